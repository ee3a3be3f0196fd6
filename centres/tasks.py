import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from .models import Centre
from .queries import overdue_action_ids
from .services.actions import REMINDER_INTERVAL_DAYS, action_reminder_send
from .uploads import uploads_purge

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=0, time_limit=30, soft_time_limit=20, ignore_result=False)
def worker_ping(self, nonce: str) -> dict:
    """Answer from a worker with what it sees of the database (read-only, so idempotent)."""
    return {"nonce": nonce, "worker": self.request.hostname, "centres": Centre.objects.count()}


@shared_task(
    bind=True,
    max_retries=5,
    default_retry_delay=10 * 60,
    time_limit=120,
    soft_time_limit=90,
)
def send_action_reminder(self, action_id: int, day: str) -> int:
    """E-mail the overdue reminder of one action for a day (idempotent: one per action a day)."""
    try:
        return action_reminder_send(action_id=action_id, today=date.fromisoformat(day))
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def dispatch_overdue_action_reminders(self, day: str | None = None) -> int:
    """Celery beat, daily: queue one reminder task per overdue action not reminded lately."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    ids = list(overdue_action_ids(today, interval_days=REMINDER_INTERVAL_DAYS))
    for action_id in ids:
        send_action_reminder.delay_on_commit(action_id, today.isoformat())
    logger.info("overdue_reminders_dispatched day=%s actions=%s", today.isoformat(), len(ids))
    return len(ids)


@shared_task(
    bind=True, max_retries=5, default_retry_delay=5 * 60, time_limit=300, soft_time_limit=240
)
def send_notifications(self, kind: str, object_id: int, key: str) -> int:
    """Tell the concerned people about one workflow step (idempotent: one row per person)."""
    from .notifications import deliver

    try:
        return deliver(kind, object_id, key)
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def send_pending_notification_emails(self) -> int:
    """Celery beat, every 10 minutes: the notification e-mails that could not leave."""
    from .notifications import email_pending_sweep

    return email_pending_sweep()


@shared_task(max_retries=0, time_limit=600, soft_time_limit=540)
def purge_uploads() -> int:
    """Celery beat, hourly: delete import files that waited too long for their confirmation."""
    return uploads_purge()
