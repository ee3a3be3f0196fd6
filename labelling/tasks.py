"""Celery adapters for the label: they take ids and are safe to run twice."""

from celery import shared_task

from .certificates import certificate_mark_failed, certificate_render


@shared_task(
    name="labelling.tasks.render_certificate",
    bind=True,
    max_retries=3,
    default_retry_delay=10,
    time_limit=120,
    soft_time_limit=100,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_certificate(self, certificate_id: int) -> str:
    """Render a certificate PDF (queue `pdf`); a ready certificate is not rendered again."""
    try:
        return certificate_render(certificate_id=certificate_id).sha256
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            certificate_mark_failed(certificate_id=certificate_id, error=type(exc).__name__)
            raise
        raise self.retry(exc=exc) from exc


@shared_task(name="labelling.tasks.expire_labels", max_retries=1, time_limit=300)
def expire_labels() -> int:
    """Mark labels past their validity as expired (daily, from Celery beat)."""
    from .services import labels_expire

    return labels_expire()
