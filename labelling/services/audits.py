"""Applications and audits: create, submit, plan, grids, findings, evidence, close."""

import hashlib
import logging
import random
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.enums import Role
from centres.formatting import date_text
from centres.models import Centre, CertificationBody, Structure, User
from centres.notifications import notify_on_commit
from centres.uploads import too_large_message

from ..access import may_close_findings
from ..enums import (
    AuditKind,
    Conformity,
    FindingKind,
    Outcome,
    ReferentialStatus,
    SiteSelection,
)
from ..models import (
    Application,
    ApplicationEvent,
    Audit,
    AuditCriterion,
    AuditSite,
    Evidence,
    Finding,
    GridEntry,
    Referential,
)
from ..queries import structure_actions
from ..reports import report_outdated
from ..sampling import rule_text, sites_draw
from ._common import (
    LabelError,
    S,
    _audit_locked,
    _deny,
    _locked,
    _move,
    _require_auditor_of,
    _require_correspondent,
    _require_lead,
    _require_status,
    _require_team,
    _require_text,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def application_create(
    *,
    structure: Structure,
    cycle: int,
    certification_body: CertificationBody,
    survey_start: date,
    survey_end: date,
    by: User,
) -> Application:
    """Open a draft application for a structure and cycle, on the referential in force."""
    _require_correspondent(by, structure)
    if survey_end < survey_start:
        raise LabelError(_("The survey period ends before it starts."))
    referential = Referential.objects.filter(status=ReferentialStatus.ACTIVE).first()
    if referential is None:
        raise LabelError(_("No referential is in force."))
    already = _("This structure already has an application for this cycle.")
    if Application.objects.filter(structure=structure, cycle=cycle).exists():
        raise LabelError(already)
    try:
        # Two correspondents creating at once: the unique constraint decides, not a 500.
        with transaction.atomic():
            application = Application.objects.create(
                structure=structure,
                cycle=cycle,
                referential=referential,
                certification_body=certification_body,
                survey_start=survey_start,
                survey_end=survey_end,
                created_by=by,
            )
    except IntegrityError as exc:
        raise LabelError(already) from exc
    ApplicationEvent.objects.create(
        application=application, at=timezone.now(), actor=by, to_status=S.DRAFT
    )
    return application


@transaction.atomic
def application_submit(*, application_id: int, by: User) -> Application:
    """Submit a draft application to its certification body."""
    application = _locked(application_id)
    _require_correspondent(by, application.structure)
    _require_status(application, S.DRAFT)
    _move(application, to=S.SUBMITTED, by=by)
    notify_on_commit("application_submitted", application)
    return application


@transaction.atomic
def audit_plan(
    *,
    application_id: int,
    by: User,
    start_date: date,
    end_date: date,
    team_ids: list[int] | tuple[int, ...] = (),
    risk_centre_ids: list[int] | tuple[int, ...] = (),
    seed: int | None = None,
    kind: str = AuditKind.INITIAL,
) -> Audit:
    """Plan an audit led by `by`: team, dates and a reproducible sample of sites."""
    application = _locked(application_id)
    _require_auditor_of(by, application)
    if kind == AuditKind.INITIAL:
        _require_status(application, S.SUBMITTED)
    else:
        _require_status(application, S.DECIDED)
        if application.outcome == Outcome.REFUSED:
            raise LabelError(_("A refused application has no follow-up audit."))
    if end_date < start_date:
        raise LabelError(_("The audit ends before it starts."))
    _require_dates_in_cycle(application, kind, start_date, end_date)
    team = list(
        User.objects.filter(
            pk__in=team_ids,
            role_assignments__role=Role.AUDITOR,
            role_assignments__certification_body=application.certification_body,
        ).distinct()
    )
    if len(team) != len(set(team_ids)):
        raise LabelError(_("Every team member must be an auditor of the certification body."))
    centres = list(application.structure.centres.values_list("pk", "code"))
    valid_ids = {pk for pk, _code in centres}
    if not set(risk_centre_ids) <= valid_ids:
        raise LabelError(_("A site chosen by risk is not a site of this structure."))
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    audit = Audit.objects.create(
        application=application,
        kind=kind,
        lead_auditor=by,
        start_date=start_date,
        end_date=end_date,
        sampling_seed=seed,
        sampling_rule=rule_text(
            site_count=len(centres), seed=seed, risk_count=len(set(risk_centre_ids))
        ),
    )
    audit.team.set([u for u in team if u.pk != by.pk])
    AuditSite.objects.bulk_create(
        AuditSite(audit=audit, centre_id=site.centre_id, selection=site.selection)
        for site in sites_draw(sites=centres, seed=seed, risk_ids=risk_centre_ids)
    )
    _move(
        application,
        to=S.AUDIT_PLANNED if kind == AuditKind.INITIAL else S.FOLLOW_UP,
        by=by,
        note=audit.sampling_rule,
    )
    notify_on_commit("audit_planned", audit)
    return audit


def audit_window(application: Application, kind: str) -> tuple[date, date]:
    """When an audit may take place: an initial audit within the application's cycle (from the
    start of the evaluated period to the end of the cycle's year), a follow-up audit within
    the label's validity."""
    if kind == AuditKind.INITIAL:
        return application.survey_start, date(application.cycle, 12, 31)
    return application.valid_from, application.valid_until


def _require_dates_in_cycle(application, kind: str, start_date: date, end_date: date) -> None:
    first, last = audit_window(application, kind)
    if first and last and not (first <= start_date and end_date <= last):
        raise LabelError(
            _("The audit must take place between %(first)s and %(last)s (%(what)s).")
            % {
                "first": date_text(first),
                "last": date_text(last),
                "what": _("the application's cycle")
                if kind == AuditKind.INITIAL
                else _("the label's validity"),
            }
        )


@transaction.atomic
def audit_sites_override(*, audit_id: int, centre_ids: list[int], reason: str, by: User) -> Audit:
    """Replace the sampled sites; the lead auditor must write why."""
    audit, application = _audit_locked(audit_id)
    _require_lead(by, audit)
    reason = _require_text(reason, _("The reason for the change"))
    centres = set(
        Centre.objects.filter(pk__in=centre_ids, structure=application.structure).values_list(
            "pk", flat=True
        )
    )
    if not centre_ids or centres != set(centre_ids):
        raise LabelError(_("Choose at least one site, among the structure's sites."))
    if GridEntry.objects.filter(site__audit=audit).exclude(site__centre_id__in=centres).exists():
        raise LabelError(_("A site whose grid is already filled in cannot be removed."))
    kept = set(audit.sites.filter(centre_id__in=centres).values_list("centre_id", flat=True))
    audit.sites.exclude(centre_id__in=centres).delete()
    AuditSite.objects.bulk_create(
        AuditSite(audit=audit, centre_id=pk, selection=SiteSelection.OVERRIDE)
        for pk in sorted(centres - kept)
    )
    audit.override_reason = reason
    audit.save(update_fields=["override_reason"])
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now(),
        actor=by,
        from_status=application.status,
        to_status=application.status,
        note=_("Sample changed: %(reason)s") % {"reason": reason},
    )
    report_outdated(audit)
    return audit


def _criterion_of(audit: Audit, criterion_id: int) -> AuditCriterion:
    criterion = AuditCriterion.objects.filter(
        pk=criterion_id, engagement__referential_id=audit.application.referential_id
    ).first()
    if criterion is None:
        raise LabelError(_("This criterion is not part of the application's referential."))
    return criterion


@transaction.atomic
def grid_entry_save(
    *, site_id: int, criterion_id: int, conformity: str, comment: str = "", by: User
) -> GridEntry:
    """Record (or correct) the conformity of one criterion on one sampled site."""
    site = AuditSite.objects.filter(pk=site_id).first()
    if site is None:
        raise LabelError(_("This site is not in the audit sample."))
    audit, _application = _audit_locked(site.audit_id)
    _require_team(by, audit)
    _require_started(audit)
    if conformity not in Conformity.values:
        raise LabelError(_("Choose a conformity."))
    criterion = _criterion_of(audit, criterion_id)
    if conformity not in NC_GRADES and _site_non_conformities(site, criterion).exists():
        raise LabelError(
            _(
                "A non-conformity is recorded on this criterion for this site: it stays graded "
                "partially conform or non-conform."
            )
        )
    entry, _created = GridEntry.objects.update_or_create(
        site=site,
        criterion=criterion,
        defaults={"conformity": conformity, "comment": comment.strip(), "updated_by": by},
    )
    report_outdated(audit)
    return entry


# The grades on which a non-conformity may be recorded; a non-conform entry needs one.
NC_GRADES = (Conformity.PARTIAL, Conformity.NON_CONFORM)
NC_KINDS = (FindingKind.MAJOR_NC, FindingKind.MINOR_NC)


def _require_started(audit: Audit) -> None:
    """Visits happen within the plan: nothing is graded or found before the audit starts."""
    if timezone.localdate() < audit.start_date:
        raise LabelError(
            _("The audit visits start on %(day)s: nothing can be recorded before.")
            % {"day": date_text(audit.start_date)}
        )


def _site_non_conformities(site: AuditSite, criterion: AuditCriterion):
    return Finding.objects.filter(site=site, criterion=criterion, kind__in=NC_KINDS)


def _require_nc_grade(audit: Audit, criterion: AuditCriterion, site_id: int | None) -> None:
    entries = GridEntry.objects.filter(
        site__audit=audit, criterion=criterion, conformity__in=NC_GRADES
    )
    if site_id is not None:
        entries = entries.filter(site_id=site_id)
    if not entries.exists():
        raise LabelError(
            _(
                "A non-conformity is recorded only on a criterion graded partially conform or "
                "non-conform: grade criterion %(code)s first."
            )
            % {"code": criterion.code}
        )


@transaction.atomic
def finding_add(
    *,
    audit_id: int,
    criterion_id: int,
    kind: str,
    description: str,
    by: User,
    site_id: int | None = None,
) -> Finding:
    """Record a non-conformity, an observation or a good practice."""
    audit, _application = _audit_locked(audit_id)
    _require_team(by, audit)
    _require_started(audit)
    if kind not in FindingKind.values:
        raise LabelError(_("Choose the kind of finding."))
    if site_id is not None and not audit.sites.filter(pk=site_id).exists():
        raise LabelError(_("This site is not in the audit sample."))
    criterion = _criterion_of(audit, criterion_id)
    if kind in NC_KINDS:
        _require_nc_grade(audit, criterion, site_id)
    finding = Finding.objects.create(
        audit=audit,
        site_id=site_id,
        criterion=criterion,
        kind=kind,
        description=_require_text(description, _("The description")),
        created_by=by,
    )
    report_outdated(audit)
    return finding


@transaction.atomic
def finding_close(*, finding_id: int, note: str, by: User, action_id: int | None = None) -> Finding:
    """Close a finding once its answer is verified (before the proposal, or at the follow-up),
    optionally pointing at the centre's action that answered it."""
    application_id = (
        Finding.objects.filter(pk=finding_id)
        .values_list("audit__application_id", flat=True)
        .first()
    )
    if application_id is None:
        raise LabelError(_("This finding does not exist."))
    application = _locked(application_id)
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("audit", "criterion")
        .get(pk=finding_id)
    )
    if not may_close_findings(by, application, finding.audit):
        _deny(_("Only the lead auditor can close a finding."))
    if finding.closed_at:
        raise LabelError(
            _("This finding was already closed on %(date)s.")
            % {"date": date_text(timezone.localtime(finding.closed_at))}
        )
    _require_status(application, S.AUDIT_PLANNED, S.AUDITED, S.FOLLOW_UP)
    note = _require_text(note, _("The closing note"))
    action = None
    if action_id is not None:
        action = structure_actions(application.structure_id).filter(pk=action_id).first()
        if action is None:
            raise LabelError(_("This action is not in the action plan of the structure's centres."))
    finding.closing_note = note
    finding.closed_at = timezone.now()
    finding.closed_by = by
    finding.action = action
    finding.save(update_fields=["closing_note", "closed_at", "closed_by", "action"])
    # A timeline note, not a decision-log entry: closing a finding decides no label.
    ApplicationEvent.objects.create(
        application=application,
        at=finding.closed_at,
        actor=by,
        from_status=application.status,
        to_status=application.status,
        note=_("Finding closed (%(kind)s, criterion %(code)s): %(note)s")
        % {"kind": finding.get_kind_display(), "code": finding.criterion.code, "note": note},
    )
    logger.info(
        "finding_closed finding=%s application=%s action=%s actor=%s",
        finding.pk,
        application.pk,
        action.pk if action else "none",
        by.pk,
    )
    report_outdated(finding.audit)
    return finding


EVIDENCE_TYPES = {
    # extension: (content type, magic bytes at the start or None for text)
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}


def evidence_max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


class EvidenceRefused(LabelError):
    """An evidence file refused for what it is: 413 too large, 415 a type not accepted, 400 a
    content that does not match its type (or none)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def evidence_check(upload: UploadedFile) -> tuple[str, str]:
    """Check size, extension and content of an evidence file; return (extension, type)."""
    if upload.size > evidence_max_bytes():
        raise EvidenceRefused(too_large_message(evidence_max_bytes()), 413)
    if upload.size == 0:
        raise EvidenceRefused(_("The file is empty."), 400)
    extension = Path(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise EvidenceRefused(
            _("This type of file is not accepted (PDF, images, office documents)."), 415
        )
    content_type, magic = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if (magic is not None and not head.startswith(magic)) or (magic is None and b"\x00" in head):
        raise EvidenceRefused(_("The file's content does not match its type."), 400)
    return extension, content_type


@transaction.atomic
def evidence_add(
    *,
    audit_id: int,
    upload: UploadedFile,
    by: User,
    site_id: int | None = None,
    criterion_id: int | None = None,
) -> Evidence:
    """Store an evidence file with its SHA-256 (size and type limits checked first)."""
    audit, _application = _audit_locked(audit_id)
    _require_team(by, audit)
    extension, content_type = evidence_check(upload)
    if site_id is not None and not audit.sites.filter(pk=site_id).exists():
        raise LabelError(_("This site is not in the audit sample."))
    criterion = _criterion_of(audit, criterion_id) if criterion_id else None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = Path(upload.name).name[:200]
    evidence = Evidence(
        audit=audit,
        site_id=site_id,
        criterion=criterion,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    # Stored under a name of our own: the user's file name is never a path.
    evidence.file.save(f"{digest.hexdigest()[:16]}{extension}", upload, save=False)
    evidence.save()
    return evidence


def _require_findings_for_non_conform_entries(audit: Audit) -> None:
    """Every criterion graded non-conform on a site has its non-conformity recorded."""
    recorded = Finding.objects.filter(audit=audit, kind__in=NC_KINDS)
    on_site = set(recorded.values_list("site_id", "criterion_id"))
    audit_wide = set(recorded.filter(site__isnull=True).values_list("criterion_id", flat=True))
    missing = [
        f"{entry.site.centre.city} {entry.criterion.code}"
        for entry in GridEntry.objects.filter(site__audit=audit, conformity=Conformity.NON_CONFORM)
        .select_related("site__centre", "criterion")
        .order_by("site__centre__city", "criterion__code")
        if (entry.site_id, entry.criterion_id) not in on_site
        and entry.criterion_id not in audit_wide
    ]
    if missing:
        raise LabelError(
            _(
                "Record the non-conformity of each criterion graded non-conform before "
                "submitting the grid: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        )


@transaction.atomic
def audit_close(*, audit_id: int, by: User, conclusion: str = "") -> Audit:
    """Close an audit: every criterion assessed on every site; the application moves on."""
    audit, application = _audit_locked(audit_id)
    _require_lead(by, audit)
    if timezone.localdate() < audit.start_date:
        raise LabelError(
            _("The audit cannot be closed before it starts on %(day)s.")
            % {"day": date_text(audit.start_date)}
        )
    _require_findings_for_non_conform_entries(audit)
    if audit.kind == AuditKind.INITIAL:
        criteria = AuditCriterion.objects.filter(
            engagement__referential_id=application.referential_id
        ).count()
        expected = criteria * audit.sites.count()
        filled = GridEntry.objects.filter(site__audit=audit).count()
        if filled < expected:
            raise LabelError(
                _("The grid is incomplete: %(filled)s of %(expected)s assessments recorded.")
                % {"filled": filled, "expected": expected}
            )
    audit.closed_at = timezone.now()
    audit.conclusion = conclusion.strip()
    audit.save(update_fields=["closed_at", "conclusion"])
    notify_on_commit("grid_submitted", audit)
    notify_on_commit("findings_to_close", audit)
    if audit.kind == AuditKind.INITIAL:
        _move(application, to=S.AUDITED, by=by, note=audit.conclusion)
    elif application.status == S.FOLLOW_UP:
        _move(application, to=S.DECIDED, by=by, note=audit.conclusion)
    else:
        # Suspended (or withdrawn) during the follow-up: closing the audit changes no status.
        ApplicationEvent.objects.create(
            application=application,
            at=timezone.now(),
            actor=by,
            from_status=application.status,
            to_status=application.status,
            note=audit.conclusion,
        )
    report_outdated(audit)
    return audit
