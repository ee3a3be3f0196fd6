"""The audit report PDF, built by a Celery worker (queue `pdf`) after the grid or the findings
change, stored with its SHA-256, and served at once from the stored file.

A change bumps the audit's `report_revision` and, after commit, queues a build; a build writes
the file of the revision it read and records it as `report_built_revision`. While the two
differ the report page shows that a new version is being built (rendering took 1 to 4 s in
the request before)."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from .models import Audit

logger = logging.getLogger(__name__)


def report_outdated(audit: Audit) -> None:
    """Record that the report no longer matches the audit, and queue its build after commit."""
    Audit.objects.filter(pk=audit.pk).update(report_revision=F("report_revision") + 1)
    transaction.on_commit(lambda: report_build_dispatch(audit.pk))


def report_is_current(audit: Audit) -> bool:
    return bool(audit.report_file) and audit.report_built_revision == audit.report_revision


def report_build_dispatch(audit_id: int) -> None:
    """Queue a build; with the broker down, the report page asks again when it is opened."""
    from .tasks import build_audit_report

    try:
        build_audit_report.delay(audit_id)
    except Exception as exc:  # noqa: BLE001 - broker down: a later page view queues it again
        logger.warning("audit_report_dispatch_failed audit=%s error=%s", audit_id, type(exc))


def report_build(*, audit_id: int) -> str | None:
    """Render and store the report of the audit's current revision (nothing if it is stored
    already); returns its SHA-256."""
    from .certificates import audit_report_pdf

    audit = Audit.objects.select_related("application").filter(pk=audit_id).first()
    if audit is None or report_is_current(audit):
        return None if audit is None else audit.report_sha256
    revision = audit.report_revision
    pdf = audit_report_pdf(audit)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit_id)
        old = locked.report_file.name
        locked.report_file.save(f"audit-{audit_id}-{revision}.pdf", ContentFile(pdf), save=False)
        locked.report_sha256 = digest
        locked.report_built_revision = revision
        locked.save(update_fields=["report_file", "report_sha256", "report_built_revision"])
    if old and old != locked.report_file.name:
        locked.report_file.storage.delete(old)
    logger.info("audit_report_built audit=%s revision=%s bytes=%s", audit_id, revision, len(pdf))
    return digest
