"""Proposals, decisions, certificates, suspension, withdrawal, appeals, expiry."""

import hashlib
import json
import logging
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import Structure, User
from centres.notifications import notify_on_commit

from ..access import eligible_appeal_examiners, may_examine_appeal
from ..decision_log import actor_label, log_append
from ..enums import (
    LEVEL_ORDER,
    AppealOutcome,
    CertificateStatus,
    DerogationStatus,
    LogKind,
    Outcome,
)
from ..models import (
    Appeal,
    Application,
    Certificate,
    Decision,
    Derogation,
    Proposal,
)
from ..notifications import notify_label_status_on_commit
from ._common import (
    FOLLOW_UP_MONTHS,
    LABELLED_STATUSES,
    LabelError,
    S,
    _deny,
    _locked,
    _move,
    _require_correspondent,
    _require_final_results,
    _require_independent_decider,
    _require_lead,
    _require_status,
    _require_text,
    add_months,
    validity_end,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def proposal_make(*, application_id: int, outcome: str, motivation: str, by: User) -> Proposal:
    """The lead auditor proposes a level (or a refusal), with the scorecard they saw."""
    from ..scorecard import initial_audit, scorecard_build

    application = _locked(application_id)
    _require_status(application, S.AUDITED)
    audit = initial_audit(application)
    if audit is None:
        raise LabelError(_("There is no audit for this application."))
    _require_lead(by, audit)
    _require_final_results(application)
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
    notify_on_commit("proposal_made", proposal)
    return proposal


def _grant(
    application: Application,
    *,
    proposal: Proposal,
    outcome: str,
    motivation: str,
    by: User,
    decided_on: date,
    scorecard: dict | None = None,
    derogation: Derogation | None = None,
) -> Decision:
    from ..scorecard import scorecard_build

    scorecard = scorecard or scorecard_build(application)
    granted = outcome != Outcome.REFUSED
    decision = Decision.objects.create(
        application=application,
        proposal=proposal,
        outcome=outcome,
        motivation=motivation,
        decided_by=derogation.requested_by if derogation else by,
        confirmed_by=by if derogation else None,
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
            **(_derogation_payload(derogation) if derogation else {}),
        },
    )
    if granted:
        certificate_request(decision=decision)
    return decision


def _derogation_payload(derogation: Derogation) -> dict:
    return {
        "derogation": {
            "requested_by": actor_label(derogation.requested_by),
            "confirmed_by": actor_label(derogation.answered_by),
            "motivation": derogation.motivation,
            "confirmation": derogation.answer_note,
        }
    }


def outcome_rank(outcome: str) -> int:
    """0 for a refusal, then 1 (Bronze), 2 (Argent), 3 (Or)."""
    return LEVEL_ORDER.index(outcome) + 1 if outcome in LEVEL_ORDER else 0


def is_derogation(outcome: str, *, scorecard_result: str, proposed: str) -> bool:
    """A decision above the scorecard's level or above the proposal needs a second decider."""
    return outcome_rank(outcome) > min(outcome_rank(scorecard_result), outcome_rank(proposed))


@transaction.atomic
def decision_take(
    *,
    application_id: int,
    outcome: str,
    motivation: str,
    by: User,
    decided_on: date | None = None,
) -> Decision:
    """A decider who did not audit decides; the scorecard and referential version are frozen.

    Above the scorecard's level or the proposal, the decision is a derogation: it waits for a
    second decider (derogation_confirm), and this returns the Derogation."""
    from ..scorecard import scorecard_build

    application = _locked(application_id)
    _require_independent_decider(by, application)
    _require_status(application, S.PROPOSED)
    _require_final_results(application)
    if outcome not in Outcome.values:
        raise LabelError(_("Choose the decided level."))
    motivation = _require_text(motivation, _("The motivation"))
    if _pending_derogation(application) is not None:
        raise LabelError(_("A derogation is already waiting for a second decider."))
    proposal = application.proposals.order_by("-proposed_at").first()
    decided_on = decided_on or timezone.localdate()
    scorecard = scorecard_build(application)
    if is_derogation(outcome, scorecard_result=scorecard["result"], proposed=proposal.outcome):
        return _derogation_request(
            application, proposal, outcome, motivation, by, decided_on, scorecard["result"]
        )
    decision = _grant(
        application,
        proposal=proposal,
        outcome=outcome,
        motivation=motivation,
        by=by,
        decided_on=decided_on,
        scorecard=scorecard,
    )
    _move(application, to=S.DECIDED, by=by, note=motivation)
    notify_on_commit("decision_taken", decision)
    return decision


def _pending_derogation(application: Application) -> Derogation | None:
    return application.derogations.filter(status=DerogationStatus.PENDING).first()


def _derogation_request(
    application, proposal, outcome, motivation, by, decided_on, scorecard_result
) -> Derogation:
    derogation = Derogation.objects.create(
        application=application,
        proposal=proposal,
        outcome=outcome,
        scorecard_result=scorecard_result,
        motivation=motivation,
        decided_on=decided_on,
        requested_by=by,
        requested_at=timezone.now(),
    )
    log_append(
        kind=LogKind.DEROGATION,
        application_id=application.pk,
        actor=by,
        payload={
            "derogation": derogation.pk,
            "outcome": outcome,
            "proposed_outcome": proposal.outcome,
            "scorecard_result": scorecard_result,
            "motivation": motivation,
        },
    )
    return derogation


def _derogation_answer(application_id: int, note: str, by: User) -> tuple:
    application = _locked(application_id)
    _require_independent_decider(by, application)
    _require_status(application, S.PROPOSED)
    _require_final_results(application)
    derogation = _pending_derogation(application)
    if derogation is None:
        raise LabelError(_("No derogation is waiting for a second decider."))
    if derogation.requested_by_id == by.pk:
        _deny(_("You asked for this derogation: a second decider must confirm it."))
    derogation.answer_note = _require_text(note, _("The motivation"))
    derogation.answered_by = by
    derogation.answered_at = timezone.now()
    return application, derogation


@transaction.atomic
def derogation_confirm(*, application_id: int, note: str, by: User) -> Decision:
    """A second decider confirms a derogation: the decision is taken, with both names."""
    application, derogation = _derogation_answer(application_id, note, by)
    decision = _grant(
        application,
        proposal=derogation.proposal,
        outcome=derogation.outcome,
        motivation=derogation.motivation,
        by=by,
        decided_on=derogation.decided_on,
        derogation=derogation,
    )
    derogation.status = DerogationStatus.CONFIRMED
    derogation.decision = decision
    derogation.save()
    _move(application, to=S.DECIDED, by=by, note=derogation.answer_note)
    notify_on_commit("decision_taken", decision)
    return decision


@transaction.atomic
def derogation_decline(*, application_id: int, note: str, by: User) -> Derogation:
    """A second decider declines a derogation: the application waits for another decision."""
    application, derogation = _derogation_answer(application_id, note, by)
    derogation.status = DerogationStatus.DECLINED
    derogation.save()
    log_append(
        kind=LogKind.DEROGATION_DECLINED,
        application_id=application.pk,
        actor=by,
        payload={"derogation": derogation.pk, "motivation": derogation.answer_note},
    )
    return derogation


def certificate_request(*, decision: Decision) -> Certificate:
    """Create the certificate row of a granting decision and queue its rendering after commit."""
    from ..tasks import render_certificate_dispatch

    certificate, created = Certificate.objects.get_or_create(
        decision=decision,
        defaults={
            "number": f"SPP-{decision.decided_on.year}-{decision.pk:06d}",
            "requested_at": timezone.now(),
        },
    )
    if created:
        _replace_previous_certificates(certificate, by=decision.decided_by)
    if certificate.status != CertificateStatus.READY:
        transaction.on_commit(partial(render_certificate_dispatch, certificate.pk))
    return certificate


def _replace_previous_certificates(certificate: Certificate, *, by: User) -> None:
    """The structure's earlier certificates are replaced by `certificate`, each logged.

    The structure's row is locked first: two decisions on two cycles of the same structure
    cannot both leave their certificate valid."""
    structure_id = certificate.decision.application.structure_id
    Structure.objects.select_for_update().filter(pk=structure_id).first()
    previous = (
        Certificate.objects.select_for_update()
        .filter(decision__application__structure_id=structure_id, replaced_by__isnull=True)
        .exclude(pk=certificate.pk)
        .select_related("decision")
        .order_by("pk")
    )
    for old in previous:
        old.replaced_by = certificate
        old.save(update_fields=["replaced_by"])
        log_append(
            kind=LogKind.REPLACEMENT,
            application_id=old.decision.application_id,
            actor=by,
            payload={
                "certificate": old.number,
                "replaced_by": certificate.number,
                "decision": certificate.decision_id,
            },
        )


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
    notify_label_status_on_commit(application)
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
    if not eligible_appeal_examiners(application).exists():
        transaction.on_commit(partial(appeal_waiting_notify, appeal.pk))
    notify_on_commit("appeal_filed", appeal)
    return appeal


def appeal_waiting_notify(appeal_id: int) -> int:
    """Tell the commission (DITP administrators) that no independent decider can examine an
    appeal; returns the number of e-mails sent."""
    from centres.enums import Role
    from centres.mail import mail_message

    appeal = Appeal.objects.select_related("application__structure").get(pk=appeal_id)
    recipients = (
        User.objects.filter(is_active=True, role_assignments__role=Role.DITP_ADMIN)
        .exclude(email="")
        .distinct()
    )
    context = {"appeal": appeal, "application": appeal.application, "site_url": settings.SITE_URL}
    sent = 0
    for user in recipients:
        sent += mail_message(
            template="labelling/appeals/emails/appeal_waiting", context=context, to=[user.email]
        ).send()
    logger.info("appeal_waiting_notified appeal=%s emails=%s", appeal_id, sent)
    return sent


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
    if not may_examine_appeal(by, application):
        _deny(
            _(
                "You decided on or audited this application: a decider independent of the "
                "case must examine the appeal."
            )
        )
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
    notify_on_commit("appeal_examined", appeal)
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
