"""Label applications: list, creation, one application and its workflow actions (proposal,
decision, appeal, suspension...), its scorecard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import STAFF_ROLES, role_required, scope_of
from centres.enums import Role
from centres.params import int_param

from .. import services
from ..access import (
    eligible_appeal_examiners,
    get_application,
    is_on_audit_team,
    managed_structure_ids,
    may_examine_appeal,
    may_read_scorecard,
    visible_applications,
)
from ..enums import ApplicationStatus as S
from ..enums import DerogationStatus, Outcome
from ..forms.applications import ApplicationForm
from ..forms.decisions import AppealReviewForm, ConfirmationForm, OutcomeForm, ReasonForm
from ..models import Certificate, Derogation
from ..scorecard import initial_audit, referentials_for_what_if, scorecard_build
from ._common import _conflict

# ---------------------------------------------------------------- applications


@role_required(*STAFF_ROLES)
@require_GET
def application_list(request):
    applications = visible_applications(request.user).order_by("-cycle", "structure__name")
    status = request.GET.get("statut", "")
    if status in S.values:  # the dashboard's links; anything else: all
        applications = applications.filter(status=status)
    can_create = managed_structure_ids(request.user) != set()
    return render(
        request,
        "labelling/applications/application_list.html",
        {
            "applications": applications,
            "can_create": can_create,
            "reads_commission_pages": scope_of(request.user).has(Role.DITP_ADMIN, Role.DECIDER),
        },
    )


@role_required(Role.CORRESPONDENT, Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def application_create(request):
    form = ApplicationForm(request.POST or None, structure_ids=managed_structure_ids(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(**form.cleaned_data, by=request.user)
        except services.LabelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft application is created."))
            return redirect("labelling:application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "labelling/applications/application_form.html", {"form": form}, status=status
    )


def _available_actions(user, application) -> set[str]:
    """The workflow steps offered to this user now (the services decide for good)."""
    scope = scope_of(user)
    status = application.status
    correspondent = scope.has(Role.DITP_ADMIN) or (
        scope.has(Role.CORRESPONDENT) and application.structure.network_id in scope.network_ids
    )
    auditor = (
        scope.has(Role.AUDITOR)
        and application.certification_body_id in scope.certification_body_ids
    )
    audit = initial_audit(application)
    lead = audit is not None and audit.lead_auditor_id == user.pk and auditor
    decider = scope.has(Role.DECIDER) and not is_on_audit_team(user, application)
    labelled = application.outcome not in ("", Outcome.REFUSED)
    actions = set()
    if status == S.DRAFT and correspondent:
        actions.add("submit")
    if status == S.SUBMITTED and auditor:
        actions.add("plan_audit")
    if status == S.DECIDED and auditor and labelled:
        actions.add("plan_follow_up")
    if status == S.AUDITED and lead:
        actions.add("propose")
    if status == S.PROPOSED and decider:
        actions |= _decision_actions(user, application)
    if status in (S.DECIDED, S.FOLLOW_UP) and decider and labelled:
        actions |= {"suspend", "withdraw"}
    if status == S.SUSPENDED and decider:
        actions |= {"reinstate", "withdraw"}
    if status in (S.DECIDED, S.SUSPENDED, S.WITHDRAWN) and correspondent:
        actions.add("appeal")
    if status == S.APPEALED and may_examine_appeal(user, application):
        actions.add("appeal_review")
    return actions


def _decision_actions(user, application) -> set[str]:
    """Decide, or, while a derogation waits, confirm or decline it (never its author)."""
    pending = application.derogations.filter(status=DerogationStatus.PENDING).first()
    if pending is None:
        return {"decide"}
    if pending.requested_by_id == user.pk:
        return set()
    return {"confirm_derogation", "decline_derogation"}


ACTION_FORMS = {
    "submit": None,
    "propose": OutcomeForm,
    "decide": OutcomeForm,
    "suspend": ReasonForm,
    "reinstate": ReasonForm,
    "withdraw": ReasonForm,
    "appeal": ReasonForm,
    "appeal_review": AppealReviewForm,
    "confirm_derogation": ConfirmationForm,
    "decline_derogation": ConfirmationForm,
}

ACTION_MESSAGES = {
    "submit": _("The application is submitted to the certification body."),
    "propose": _("Your proposal is recorded."),
    "decide": _("The decision is recorded."),
    "suspend": _("The label is suspended."),
    "reinstate": _("The suspension is lifted."),
    "withdraw": _("The label is withdrawn."),
    "appeal": _("The appeal is filed."),
    "appeal_review": _("The appeal review is recorded."),
    "confirm_derogation": _("The derogation is confirmed: the decision is recorded."),
    "decline_derogation": _("The derogation is declined: the application waits for a decision."),
}
DEROGATION_MESSAGE = _(
    "This decision goes beyond the scorecard or the proposal: it waits for the confirmation of "
    "a second decider."
)


def _run_action(action: str, application, data: dict, user):
    pk = application.pk
    if action == "submit":
        return services.application_submit(application_id=pk, by=user)
    if action == "propose":
        return services.proposal_make(application_id=pk, by=user, **data)
    if action == "decide":
        return services.decision_take(application_id=pk, by=user, **data)
    if action == "appeal_review":
        return services.appeal_review(application_id=pk, by=user, **data)
    service = {
        "confirm_derogation": services.derogation_confirm,
        "decline_derogation": services.derogation_decline,
        "suspend": services.label_suspend,
        "reinstate": services.label_reinstate,
        "withdraw": services.label_withdraw,
        "appeal": services.appeal_file,
    }[action]
    return service(application_id=pk, by=user, **data)


def _action_form(action: str, data=None):
    """The form of an action; ids of its own (several actions share a « reason » field)."""
    return ACTION_FORMS[action](data, auto_id=f"id_{action}_%s")


def _detail_context(request, application, bound: dict | None = None) -> dict:
    actions = _available_actions(request.user, application)
    forms = {name: _action_form(name) for name in actions if ACTION_FORMS.get(name)}
    forms.update(bound or {})
    events = application.events.select_related("actor").order_by("at", "pk")
    certificates = {
        c.decision_id: c for c in Certificate.objects.filter(decision__application=application)
    }
    decisions = [
        (decision, certificates.get(decision.pk))
        for decision in application.decisions.select_related("decided_by", "confirmed_by")
    ]
    audits = application.audits.select_related("lead_auditor").order_by("start_date")
    appeal_waiting = (
        application.status == S.APPEALED and not eligible_appeal_examiners(application).exists()
    )
    return {
        "application": application,
        "events": events,
        "audits": audits,
        "proposals": application.proposals.select_related("proposed_by"),
        "decisions": decisions,
        "appeals": application.appeals.select_related("filed_by", "reviewed_by"),
        "actions": actions,
        "forms": forms,
        "derogations": application.derogations.select_related("requested_by", "answered_by"),
        "appeal_waiting": appeal_waiting,
        "can_read_scorecard": may_read_scorecard(request.user),
    }


@role_required(*STAFF_ROLES)
@require_GET
def application_detail(request, pk: int):
    application = get_application(request.user, pk)
    return render(
        request,
        "labelling/applications/application_detail.html",
        _detail_context(request, application),
    )


@role_required(*STAFF_ROLES)
@require_POST
def application_action(request, pk: int, action: str):
    application = get_application(request.user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = _action_form(action, request.POST) if ACTION_FORMS[action] else None
    if form is not None and not form.is_valid():
        context = _detail_context(request, application, bound={action: form})
        return render(
            request, "labelling/applications/application_detail.html", context, status=400
        )
    try:
        result = _run_action(action, application, form.cleaned_data if form else {}, request.user)
    except (services.LabelError, PermissionDenied) as error:
        status = 403 if isinstance(error, PermissionDenied) else 409
        return _refused(request, application, action, form, str(error), status)
    if isinstance(result, Derogation):
        messages.info(request, DEROGATION_MESSAGE)
    else:
        messages.success(request, ACTION_MESSAGES[action])
    return redirect("labelling:application_detail", pk=application.pk)


def _refused(request, application, action: str, form, message: str, status: int):
    """The page again with the refusal and, in its form, everything that was typed."""
    if form is None:
        return _conflict(request, message, status=status)
    form.add_error(None, message)
    application.refresh_from_db()
    context = _detail_context(request, application, bound={action: form})
    context["actions"] = context["actions"] | {action}
    return render(request, "labelling/applications/application_detail.html", context, status=status)


# ---------------------------------------------------------------- scorecard


@role_required(Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN, Role.CORRESPONDENT)
@require_GET
def scorecard(request, pk: int):
    application = get_application(request.user, pk)
    others = list(referentials_for_what_if(application))
    what_if = None
    if request.GET.get("version"):
        version = int_param(request, "version")
        what_if_referential = next((r for r in others if r.version == version), None)
        if what_if_referential is None:
            return _conflict(request, _("Unknown referential version."), status=400)
        what_if = scorecard_build(application, referential=what_if_referential)
    card = scorecard_build(application)
    return render(
        request,
        "labelling/applications/scorecard.html",
        {"application": application, "card": card, "what_if": what_if, "others": others},
    )
