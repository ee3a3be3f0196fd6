"""Celery adapters for the label: they take ids and are safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .certificates import certificate_mark_failed, certificate_render

logger = logging.getLogger(__name__)


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


@shared_task(
    bind=True,
    name="labelling.tasks.build_audit_report",
    max_retries=2,
    default_retry_delay=10,
    time_limit=120,
    soft_time_limit=100,
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_audit_report(self, audit_id: int) -> str | None:
    """Build the audit report PDF of the audit's current revision (idempotent)."""
    from .reports import report_build

    try:
        return report_build(audit_id=audit_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="labelling.tasks.expire_labels", max_retries=1, time_limit=300)
def expire_labels() -> int:
    """Mark labels past their validity as expired (daily, from Celery beat)."""
    from .services import labels_expire

    return labels_expire()


def render_certificate_dispatch(certificate_id: int) -> None:
    """Queue a rendering; with the broker down, leave the certificate pending for the sweeper.

    Called after commit: the decision is already saved, so a broker failure must not turn
    into an error page. `requeue_pending_certificates` picks the certificate up again."""
    try:
        render_certificate.delay(certificate_id)
    except Exception as exc:  # noqa: BLE001 - broker or result store down: the sweeper retries
        logger.warning(
            "certificate_dispatch_failed certificate_id=%s error=%s",
            certificate_id,
            type(exc).__name__,
        )


@shared_task(name="labelling.tasks.requeue_pending_certificates", max_retries=0, time_limit=60)
def requeue_pending_certificates(older_than_minutes: int = 5) -> int:
    """Queue again the certificates still pending after a while (lost dispatch or task)."""
    from .enums import CertificateStatus
    from .models import Certificate

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pending = list(
        Certificate.objects.filter(
            status=CertificateStatus.PENDING, requested_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for certificate_id in pending:
        render_certificate_dispatch(certificate_id)
    return len(pending)


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def notify_follow_up_audits_due(self) -> int:
    """Celery beat, daily: tell the label's people of a follow-up audit due within 60 days."""
    from .notifications import follow_up_due_sweep

    return follow_up_due_sweep()
