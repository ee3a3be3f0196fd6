"""Celery adapters: they take ids and call the services (which are idempotent)."""

import logging
from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import AgentContact
from .services.ballot import ballots_mix
from .services.campaigns import agent_contacts_purge, agent_invitation_send
from .services.exports import (
    export_files_purge,
    export_jobs_to_requeue,
    export_mark_dispatched,
    export_mark_failed,
    export_run,
)
from .services.reviews import review_clock_advance, reviews_due_ids
from .services.rollups import rollups_seal

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, max_retries=5, default_retry_delay=10 * 60, time_limit=60, soft_time_limit=45
)
def send_agent_invitation(self, contact_id: int, reminder: bool) -> bool:
    """E-mail one agent their link (or reminder); retried if the mail server fails."""
    try:
        return agent_invitation_send(contact_id=contact_id, reminder=reminder)
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=0, time_limit=600, soft_time_limit=540)
def dispatch_agent_invitations(self, campaign_id: int, reminder: bool) -> int:
    """Queue one e-mail task per agent still to invite (or to remind) in a campaign."""
    contacts = AgentContact.objects.filter(campaign_id=campaign_id)
    if reminder:
        contacts = contacts.filter(
            invited_on__isnull=False, reminded_on__isnull=True, invitation__used=False
        )
    else:
        contacts = contacts.filter(invited_on__isnull=True)
    ids = list(contacts.values_list("id", flat=True))
    for contact_id in ids:
        send_agent_invitation.delay_on_commit(contact_id, reminder)
    logger.info("agent_invitations_dispatched campaign=%s count=%s", campaign_id, len(ids))
    return len(ids)


@shared_task(bind=True, max_retries=0, time_limit=900, soft_time_limit=840)
def seal_rollups(self) -> int:
    """Celery beat, daily: seal the rollups of the days that can no longer change."""
    return rollups_seal(today=timezone.localdate())


@shared_task(
    name="surveys.tasks.mix_ballots",
    bind=True,
    max_retries=0,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
)
def mix_ballots(self) -> int:
    """Celery beat, every minute (and after a campaign closes): count the sealed sheets in
    shuffled batches of at least k (idempotent; a killed run rolls back its batch)."""
    return ballots_mix().mixed


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def purge_agent_contacts(self) -> int:
    """Celery beat, daily: delete the agents' addresses of closed campaigns."""
    return agent_contacts_purge(today=timezone.localdate())


@shared_task(
    bind=True, max_retries=5, default_retry_delay=10 * 60, time_limit=120, soft_time_limit=90
)
def advance_review_clock(self, review_id: int, now: str) -> str | None:
    """Take the reminder or breach step due for one review (idempotent: each step once)."""
    try:
        return review_clock_advance(review_id=review_id, now=datetime.fromisoformat(now))
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def dispatch_review_clock(self, now: str | None = None) -> int:
    """Celery beat, hourly: queue one task per published review with a reminder or breach due."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    ids = list(reviews_due_ids(moment))
    for review_id in ids:
        advance_review_clock.delay_on_commit(review_id, moment.isoformat())
    logger.info("review_clock_dispatched reviews=%s", len(ids))
    return len(ids)


# --- Exports (queue `exports`, see config.celery's routes) ------------------------------------

EXPORT_TIME_LIMIT = 25 * 60  # below config.celery.LONGEST_TASK_SECONDS (visibility timeout)


@shared_task(
    name="surveys.tasks.run_export",
    bind=True,
    max_retries=2,
    default_retry_delay=30,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=EXPORT_TIME_LIMIT,
    soft_time_limit=EXPORT_TIME_LIMIT - 60,
)
def run_export(self, job_id: int) -> str:
    """Write an export's file; a done job is not redone, an interrupted one starts over."""
    try:
        return export_run(job_id=job_id).status
    except SoftTimeLimitExceeded:
        export_mark_failed(job_id=job_id, error="time_limit")
        raise
    except (DatabaseError, OSError) as exc:
        if self.request.retries >= self.max_retries:
            export_mark_failed(job_id=job_id, error=type(exc).__name__)
            raise
        raise self.retry(exc=exc) from exc
    except Exception as exc:
        export_mark_failed(job_id=job_id, error=type(exc).__name__)
        raise


def export_dispatch(job_id: int) -> None:
    """Queue an export after commit; with the broker down, leave it queued for the sweeper.

    The job row is already committed, so a broker failure must not turn into an error page:
    `requeue_exports` queues it again a few minutes later."""
    try:
        run_export.delay(job_id)
    except OperationalError:
        logger.warning("export_dispatch_failed job=%s", job_id)
        return
    export_mark_dispatched(job_id=job_id)


@shared_task(name="surveys.tasks.requeue_exports", max_retries=0, time_limit=120)
def requeue_exports() -> int:
    """Celery beat, every 5 minutes: queue again exports whose task never reached a worker."""
    job_ids = export_jobs_to_requeue(now=timezone.now())
    for job_id in job_ids:
        export_dispatch(job_id)
    return len(job_ids)


@shared_task(name="surveys.tasks.purge_exports", max_retries=0, time_limit=600)
def purge_exports() -> int:
    """Celery beat, daily: delete export files (and their jobs) past EXPORT_RETENTION_DAYS."""
    return export_files_purge(now=timezone.now())
