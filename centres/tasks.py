from celery import shared_task

from .models import Centre


@shared_task(bind=True, max_retries=0, time_limit=30, soft_time_limit=20)
def worker_ping(self, nonce: str) -> dict:
    """Answer from a worker with what it sees of the database (read-only, so idempotent)."""
    return {"nonce": nonce, "worker": self.request.hostname, "centres": Centre.objects.count()}
