"""Writes of the label workflow: applications, audits, proposals, decisions, appeals.

Every service is atomic, locks the application row (select_for_update) before it checks the
status, checks the actor's role and scope itself (views check too, but the rule lives here),
records the step in the application's timeline and, for decision-level events, in the
hash-chained decision log."""

import calendar
import hashlib
import json
import logging
import random
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import scope_of
from centres.enums import Role
from centres.models import Centre, CertificationBody, Structure, User

from .access import is_on_audit_team
from .decision_log import log_append
from .enums import (
    AppealOutcome,
    ApplicationStatus,
    AuditKind,
    CertificateStatus,
    Conformity,
    FindingKind,
    LogKind,
    Outcome,
    ReferentialStatus,
    SiteSelection,
)
from .models import (
    Appeal,
    Application,
    ApplicationEvent,
    Audit,
    AuditCriterion,
    AuditSite,
    Certificate,
    Decision,
    Evidence,
    Finding,
    GridEntry,
    LevelRule,
    Proposal,
    Referential,
)
from .sampling import rule_text, sites_draw

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


# ---------------------------------------------------------------- referential


@transaction.atomic
def referential_version_create(*, source_id: int, name: str, by: User) -> Referential:
    """Copy a referential into a new draft version (versions in force are never edited)."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    source = Referential.objects.get(pk=source_id)
    last = Referential.objects.select_for_update().order_by("-version").first()
    new = Referential.objects.create(
        version=last.version + 1,
        name=_require_text(name, _("The name")),
        status=ReferentialStatus.DRAFT,
        is_illustrative=source.is_illustrative,
        legal_basis=source.legal_basis,
    )
    for engagement in source.engagements.prefetch_related("criteria"):
        criteria = list(engagement.criteria.all())
        engagement.pk = None
        engagement.referential = new
        engagement.save()
        AuditCriterion.objects.bulk_create(
            AuditCriterion(engagement=engagement, code=c.code, title=c.title, weight=c.weight)
            for c in criteria
        )
    for rule in source.level_rules.all():
        rule.pk = None
        rule.referential = new
        rule.save()
    return new


@transaction.atomic
def level_rule_update(*, rule_id: int, values: dict, by: User) -> LevelRule:
    """Change a level rule of a draft referential version."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    rule = LevelRule.objects.select_for_update().select_related("referential").get(pk=rule_id)
    if rule.referential.status != ReferentialStatus.DRAFT:
        raise LabelError(_("A referential in force or archived is never edited: copy it."))
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def referential_activate(*, referential_id: int, by: User) -> Referential:
    """Put a draft version in force; the previous one is archived."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    referential = Referential.objects.select_for_update().get(pk=referential_id)
    if referential.status != ReferentialStatus.DRAFT:
        raise LabelError(_("Only a draft version can be put in force."))
    if referential.level_rules.count() != 3:
        raise LabelError(_("A version needs rules for Bronze, Silver and Gold."))
    Referential.objects.filter(status=ReferentialStatus.ACTIVE).update(
        status=ReferentialStatus.ARCHIVED
    )
    referential.status = ReferentialStatus.ACTIVE
    referential.save(update_fields=["status"])
    return referential


# ---------------------------------------------------------------- applications


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
    return audit


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
    if conformity not in Conformity.values:
        raise LabelError(_("Choose a conformity."))
    criterion = _criterion_of(audit, criterion_id)
    entry, _created = GridEntry.objects.update_or_create(
        site=site,
        criterion=criterion,
        defaults={"conformity": conformity, "comment": comment.strip(), "updated_by": by},
    )
    return entry


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
    if kind not in FindingKind.values:
        raise LabelError(_("Choose the kind of finding."))
    if site_id is not None and not audit.sites.filter(pk=site_id).exists():
        raise LabelError(_("This site is not in the audit sample."))
    return Finding.objects.create(
        audit=audit,
        site_id=site_id,
        criterion=_criterion_of(audit, criterion_id),
        kind=kind,
        description=_require_text(description, _("The description")),
        created_by=by,
    )


@transaction.atomic
def finding_close(*, finding_id: int, note: str, by: User) -> Finding:
    """Close a non-conformity once its correction is verified, before the proposal."""
    finding = Finding.objects.select_related("audit").filter(pk=finding_id).first()
    if finding is None:
        raise LabelError(_("This finding does not exist."))
    application = _locked(finding.audit.application_id)
    _require_lead(by, finding.audit)
    _require_status(application, S.AUDIT_PLANNED, S.AUDITED, S.FOLLOW_UP)
    if finding.closed_at:
        raise LabelError(_("This finding is already closed."))
    finding.closing_note = _require_text(note, _("The closing note"))
    finding.closed_at = timezone.now()
    finding.save(update_fields=["closing_note", "closed_at"])
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


def evidence_check(upload: UploadedFile) -> tuple[str, str]:
    """Check size, extension and content of an evidence file; return (extension, type)."""
    if upload.size > evidence_max_bytes():
        raise LabelError(
            _("The file is too large (%(max)s MB at most).")
            % {"max": evidence_max_bytes() // (1024 * 1024)}
        )
    if upload.size == 0:
        raise LabelError(_("The file is empty."))
    extension = Path(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise LabelError(_("This type of file is not accepted (PDF, images, office documents)."))
    content_type, magic = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise LabelError(_("The file's content does not match its type."))
    if magic is None and b"\x00" in head:
        raise LabelError(_("The file's content does not match its type."))
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


@transaction.atomic
def audit_close(*, audit_id: int, by: User, conclusion: str = "") -> Audit:
    """Close an audit: every criterion assessed on every site; the application moves on."""
    audit, application = _audit_locked(audit_id)
    _require_lead(by, audit)
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
    return audit


# ---------------------------------------------------------------- proposal and decision


@transaction.atomic
def proposal_make(*, application_id: int, outcome: str, motivation: str, by: User) -> Proposal:
    """The lead auditor proposes a level (or a refusal), with the scorecard they saw."""
    from .scorecard import initial_audit, scorecard_build

    application = _locked(application_id)
    _require_status(application, S.AUDITED)
    audit = initial_audit(application)
    if audit is None:
        raise LabelError(_("There is no audit for this application."))
    _require_lead(by, audit)
    if outcome not in Outcome.values:
        raise LabelError(_("Choose the proposed level."))
    motivation = _require_text(motivation, _("The motivation"))
    scorecard = scorecard_build(application)
    proposal = Proposal.objects.create(
        application=application,
        outcome=outcome,
        motivation=motivation,
        proposed_by=by,
        proposed_at=timezone.now(),
        scorecard=scorecard,
    )
    _move(application, to=S.PROPOSED, by=by, note=motivation)
    log_append(
        kind=LogKind.PROPOSAL,
        application_id=application.pk,
        actor=by,
        payload={
            "proposal": proposal.pk,
            "outcome": outcome,
            "motivation": motivation,
            "scorecard_result": scorecard["result"],
            "referential_version": application.referential.version,
        },
    )
    return proposal


def _grant(
    application: Application,
    *,
    proposal: Proposal,
    outcome: str,
    motivation: str,
    by: User,
    decided_on: date,
) -> Decision:
    from .scorecard import scorecard_build

    scorecard = scorecard_build(application)
    granted = outcome != Outcome.REFUSED
    decision = Decision.objects.create(
        application=application,
        proposal=proposal,
        outcome=outcome,
        motivation=motivation,
        decided_by=by,
        decided_on=decided_on,
        decided_at=timezone.now(),
        referential=application.referential,
        scorecard=scorecard,
        valid_from=decided_on if granted else None,
        valid_until=validity_end(decided_on) if granted else None,
    )
    application.outcome = outcome
    application.valid_from = decision.valid_from
    application.valid_until = decision.valid_until
    application.follow_up_due = add_months(decided_on, FOLLOW_UP_MONTHS) if granted else None
    application.save(update_fields=["outcome", "valid_from", "valid_until", "follow_up_due"])
    log_append(
        kind=LogKind.DECISION,
        application_id=application.pk,
        actor=by,
        payload={
            "decision": decision.pk,
            "outcome": outcome,
            "proposed_outcome": proposal.outcome,
            "motivation": motivation,
            "decided_on": decided_on.isoformat(),
            "valid_until": decision.valid_until.isoformat() if decision.valid_until else None,
            "referential_version": application.referential.version,
            "scorecard_sha256": hashlib.sha256(
                json.dumps(scorecard, sort_keys=True, separators=(",", ":")).encode()
            ).hexdigest(),
            "scorecard_result": scorecard["result"],
        },
    )
    if granted:
        certificate_request(decision=decision)
    return decision


@transaction.atomic
def decision_take(
    *,
    application_id: int,
    outcome: str,
    motivation: str,
    by: User,
    decided_on: date | None = None,
) -> Decision:
    """A decider who did not audit decides; the scorecard and referential version are frozen."""
    application = _locked(application_id)
    _require_independent_decider(by, application)
    _require_status(application, S.PROPOSED)
    if outcome not in Outcome.values:
        raise LabelError(_("Choose the decided level."))
    motivation = _require_text(motivation, _("The motivation"))
    proposal = application.proposals.order_by("-proposed_at").first()
    decision = _grant(
        application,
        proposal=proposal,
        outcome=outcome,
        motivation=motivation,
        by=by,
        decided_on=decided_on or timezone.localdate(),
    )
    _move(application, to=S.DECIDED, by=by, note=motivation)
    return decision


def certificate_request(*, decision: Decision) -> Certificate:
    """Create the certificate row of a granting decision and queue its rendering after commit."""
    from .tasks import render_certificate_dispatch

    certificate, _created = Certificate.objects.get_or_create(
        decision=decision,
        defaults={
            "number": f"SPP-{decision.decided_on.year}-{decision.pk:06d}",
            "requested_at": timezone.now(),
        },
    )
    if certificate.status != CertificateStatus.READY:
        transaction.on_commit(partial(render_certificate_dispatch, certificate.pk))
    return certificate


def _latest_decision(application: Application) -> Decision:
    decision = application.decisions.order_by("-decided_at").first()
    if decision is None:
        raise LabelError(_("There is no decision on this application."))
    return decision


def _log_status(application: Application, kind: str, by: User, reason: str) -> None:
    log_append(
        kind=kind,
        application_id=application.pk,
        actor=by,
        payload={"reason": reason, "decision": _latest_decision(application).pk},
    )


def _label_status_change(
    *,
    application_id: int,
    reason: str,
    by: User,
    allowed: tuple[str, ...],
    to: str,
    log_kind: str,
    refused_message: str | None,
) -> Application:
    """Move a decided label to another status with a written reason, logged in the chain."""
    application = _locked(application_id)
    _require_independent_decider(by, application)
    _require_status(application, *allowed)
    if refused_message and application.outcome == Outcome.REFUSED:
        raise LabelError(refused_message)
    reason = _require_text(reason, _("The reason"))
    _move(application, to=to, by=by, note=reason)
    _log_status(application, log_kind, by, reason)
    return application


@transaction.atomic
def label_suspend(*, application_id: int, reason: str, by: User) -> Application:
    """Suspend a label (it shows as suspended on the verification page)."""
    return _label_status_change(
        application_id=application_id,
        reason=reason,
        by=by,
        allowed=(S.DECIDED, S.FOLLOW_UP),
        to=S.SUSPENDED,
        log_kind=LogKind.SUSPENSION,
        refused_message=_("A refused application has no label to suspend."),
    )


@transaction.atomic
def label_reinstate(*, application_id: int, reason: str, by: User) -> Application:
    """Lift a suspension."""
    return _label_status_change(
        application_id=application_id,
        reason=reason,
        by=by,
        allowed=(S.SUSPENDED,),
        to=S.DECIDED,
        log_kind=LogKind.REINSTATEMENT,
        refused_message=None,
    )


@transaction.atomic
def label_withdraw(*, application_id: int, reason: str, by: User) -> Application:
    """Withdraw a label for good."""
    return _label_status_change(
        application_id=application_id,
        reason=reason,
        by=by,
        allowed=LABELLED_STATUSES,
        to=S.WITHDRAWN,
        log_kind=LogKind.WITHDRAWAL,
        refused_message=_("A refused application has no label to withdraw."),
    )


@transaction.atomic
def appeal_file(*, application_id: int, reason: str, by: User) -> Appeal:
    """The structure appeals against the latest decision (refusal, level, suspension...)."""
    application = _locked(application_id)
    _require_correspondent(by, application.structure)
    _require_status(application, S.DECIDED, S.SUSPENDED, S.WITHDRAWN)
    reason = _require_text(reason, _("The grounds of appeal"))
    appeal = Appeal.objects.create(
        application=application,
        decision=_latest_decision(application),
        previous_status=application.status,
        reason=reason,
        filed_by=by,
        filed_at=timezone.now(),
    )
    _move(application, to=S.APPEALED, by=by, note=reason)
    log_append(
        kind=LogKind.APPEAL,
        application_id=application.pk,
        actor=by,
        payload={"appeal": appeal.pk, "decision": appeal.decision_id, "reason": reason},
    )
    return appeal


@transaction.atomic
def appeal_review(
    *,
    application_id: int,
    outcome: str,
    motivation: str,
    by: User,
    new_outcome: str = "",
) -> Appeal:
    """Another decider (not the one who decided, nor an auditor) upholds or overturns."""
    application = _locked(application_id)
    _require_independent_decider(by, application)
    _require_status(application, S.APPEALED)
    appeal = application.appeals.filter(reviewed_at__isnull=True).order_by("-filed_at").first()
    if appeal is None:
        raise LabelError(_("There is no appeal to review."))
    if appeal.decision.decided_by_id == by.pk:
        _deny(_("You took the contested decision: another decider must review the appeal."))
    if outcome not in AppealOutcome.values:
        raise LabelError(_("Choose the outcome of the appeal."))
    motivation = _require_text(motivation, _("The motivation"))
    if outcome == AppealOutcome.OVERTURNED and new_outcome not in Outcome.values:
        raise LabelError(_("Choose the new decision."))
    appeal.outcome = outcome
    appeal.review_motivation = motivation
    appeal.reviewed_by = by
    appeal.reviewed_at = timezone.now()
    appeal.save(update_fields=["outcome", "review_motivation", "reviewed_by", "reviewed_at"])
    log_append(
        kind=LogKind.APPEAL_REVIEW,
        application_id=application.pk,
        actor=by,
        payload={
            "appeal": appeal.pk,
            "outcome": outcome,
            "new_outcome": new_outcome,
            "motivation": motivation,
        },
    )
    if outcome == AppealOutcome.UPHELD:
        _move(application, to=appeal.previous_status, by=by, note=motivation)
    else:
        _grant(
            application,
            proposal=appeal.decision.proposal,
            outcome=new_outcome,
            motivation=motivation,
            by=by,
            decided_on=timezone.localdate(),
        )
        _move(application, to=S.DECIDED, by=by, note=motivation)
    return appeal


@transaction.atomic
def labels_expire(*, today: date | None = None) -> int:
    """Mark as expired every label past its validity (run daily)."""
    today = today or timezone.localdate()
    expired = 0
    ids = Application.objects.filter(
        status__in=LABELLED_STATUSES, valid_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(ids):
        application = _locked(pk)
        if application.status not in LABELLED_STATUSES:
            continue
        _move(application, to=S.EXPIRED, by=None, note=_("Validity ended."))
        log_append(
            kind=LogKind.EXPIRY,
            application_id=pk,
            actor=None,
            payload={"valid_until": application.valid_until.isoformat()},
        )
        expired += 1
    return expired
