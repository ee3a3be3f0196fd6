"""Shared by the label workflow services: status moves, checks, locks."""

import calendar
import logging
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import scope_of
from centres.enums import Role
from centres.formatting import date_text
from centres.models import Structure, User
from centres.public_cache import public_cache_touch

from ..access import is_on_audit_team
from ..enums import (
    ApplicationStatus,
)
from ..models import (
    Application,
    ApplicationEvent,
    Audit,
)

logger = logging.getLogger(__name__)


S = ApplicationStatus
VALIDITY_YEARS = 3
FOLLOW_UP_MONTHS = 18
LABELLED_STATUSES = (S.DECIDED, S.FOLLOW_UP, S.SUSPENDED)


class LabelError(Exception):
    """A step that the application's state or the input does not allow (shown as a 409/400)."""


# ---------------------------------------------------------------- helpers


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def validity_end(start: date) -> date:
    """Last day of validity: three years minus a day."""
    return date.fromordinal(add_months(start, 12 * VALIDITY_YEARS).toordinal() - 1)


def _locked(application_id: int) -> Application:
    try:
        return (
            Application.objects.select_for_update()
            .select_related("structure", "referential")
            .get(pk=application_id)
        )
    except Application.DoesNotExist as exc:
        raise LabelError(_("This application does not exist.")) from exc


def _move(application: Application, *, to: str, by: User | None, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now(),
        actor=by,
        from_status=application.status,
        to_status=to,
        note=note,
    )
    logger.info(
        "application_transition application=%s from=%s to=%s actor=%s",
        application.pk,
        application.status,
        to,
        by.pk if by else "system",
    )
    application.status = to
    application.save(update_fields=["status"])
    public_cache_touch(structure_id=application.structure_id)


def _require_status(application: Application, *allowed: str) -> None:
    if application.status not in allowed:
        raise LabelError(
            _("This step is not possible while the application is « %(status)s ».")
            % {"status": application.get_status_display()}
        )


def _require_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise LabelError(_("%(what)s is required.") % {"what": what})
    return text


def _require_final_results(application: Application) -> None:
    """No proposal or decision on a moving basis: every campaign of the structure that
    overlaps the evaluated period must be over (its closing day past, so that no link can
    still be answered) and its answers counted (none left in the ballot box)."""
    from surveys.models import Ballot, Campaign

    running = (
        Campaign.objects.filter(
            structure_id=application.structure_id,
            opens_on__lte=application.survey_end,
            closes_on__gte=max(application.survey_start, timezone.localdate()),
        )
        .order_by("closes_on", "slug")
        .first()
    )
    if running is not None:
        raise LabelError(
            _(
                "The campaign « %(name)s » of the evaluated period still runs until %(day)s: "
                "its results are not final. This step is possible once it is closed."
            )
            % {"name": running.name, "day": date_text(running.closes_on)}
        )
    waiting = (
        Ballot.objects.filter(
            campaign__structure_id=application.structure_id,
            campaign__opens_on__lte=application.survey_end,
            campaign__closes_on__gte=application.survey_start,
        )
        .values_list("campaign__name", flat=True)
        .order_by("campaign__closes_on", "campaign__slug")
        .first()
    )
    if waiting is not None:
        raise LabelError(
            _(
                "The campaign « %(name)s » of the evaluated period still has answers waiting to "
                "be counted: its results are not final. This step is possible once they are."
            )
            % {"name": waiting}
        )


def _deny(message: str):
    raise PermissionDenied(message)


def _require_correspondent(user: User, structure: Structure) -> None:
    scope = scope_of(user)
    if scope.has(Role.DITP_ADMIN):
        return
    if not (scope.has(Role.CORRESPONDENT) and structure.network_id in scope.network_ids):
        _deny(_("Only the structure's national correspondent can do this."))


def _require_auditor_of(user: User, application: Application) -> None:
    scope = scope_of(user)
    if not (
        scope.has(Role.AUDITOR)
        and application.certification_body_id in scope.certification_body_ids
    ):
        _deny(_("Only an auditor of the chosen certification body can do this."))


def _require_lead(user: User, audit: Audit) -> None:
    if audit.lead_auditor_id != user.pk or not scope_of(user).has(Role.AUDITOR):
        _deny(_("Only the lead auditor can do this."))


def _require_team(user: User, audit: Audit) -> None:
    if audit.lead_auditor_id == user.pk and scope_of(user).has(Role.AUDITOR):
        return
    if not (scope_of(user).has(Role.AUDITOR) and audit.team.filter(pk=user.pk).exists()):
        _deny(_("Only the audit team can do this."))


def _require_independent_decider(user: User, application: Application) -> None:
    if not scope_of(user).has(Role.DECIDER):
        _deny(_("Only a label decider can do this."))
    # Four-eyes rule (ISO/IEC 17065): whoever audited does not decide.
    if is_on_audit_team(user, application):
        _deny(_("You took part in the audit of this application: another decider must decide."))


def _open_audit(application: Application, kind: str) -> Audit:
    audit = application.audits.filter(kind=kind, closed_at__isnull=True).order_by("-pk").first()
    if audit is None:
        raise LabelError(_("There is no open audit for this application."))
    return audit


def _audit_locked(audit_id: int) -> tuple[Audit, Application]:
    audit = Audit.objects.select_related("application").filter(pk=audit_id).first()
    if audit is None:
        raise LabelError(_("This audit does not exist."))
    application = _locked(audit.application_id)
    audit = Audit.objects.get(pk=audit_id)
    if audit.closed_at is not None:
        raise LabelError(_("This audit is closed."))
    return audit, application
