"""Label workflow pages: applications, audits, scorecards, decisions, certificates.

Thin views: access check (labelling.access) -> form -> service -> message -> redirect.
The services check roles, four-eyes rule and statuses again; their refusals become a 403
(role) or a 409 (state) page with a French message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import role_required, scope_of
from centres.enums import Role

from . import services
from .access import (
    STAFF_ROLES,
    get_application,
    get_audit,
    get_certificate,
    is_on_audit_team,
    managed_structure_ids,
    visible_applications,
)
from .certificates import audit_report_pdf
from .enums import ApplicationStatus as S
from .enums import AuditKind, CertificateStatus, Outcome, VerificationStatus
from .forms import (
    AppealReviewForm,
    ApplicationForm,
    AuditPlanForm,
    CloseAuditForm,
    EvidenceForm,
    FindingForm,
    GridForm,
    OutcomeForm,
    ReasonForm,
    SitesOverrideForm,
)
from .models import AuditCriterion, AuditSite, Certificate, GridEntry
from .queries import certificate_state, certificates_checked
from .scorecard import initial_audit, referentials_for_what_if, scorecard_build


def _conflict(request, message: str, status: int = 409):
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": _("This step is not possible"), "message": message},
        status=status,
    )


# ---------------------------------------------------------------- applications


@role_required(*STAFF_ROLES)
@require_GET
def application_list(request):
    applications = visible_applications(request.user).order_by("-cycle", "structure__name")
    can_create = managed_structure_ids(request.user) != set()
    return render(
        request,
        "labelling/application_list.html",
        {"applications": applications, "can_create": can_create},
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
    return render(request, "labelling/application_form.html", {"form": form}, status=status)


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
        actions.add("decide")
    if status in (S.DECIDED, S.FOLLOW_UP) and decider and labelled:
        actions |= {"suspend", "withdraw"}
    if status == S.SUSPENDED and decider:
        actions |= {"reinstate", "withdraw"}
    if status in (S.DECIDED, S.SUSPENDED, S.WITHDRAWN) and correspondent:
        actions.add("appeal")
    if status == S.APPEALED and decider:
        actions.add("appeal_review")
    return actions


ACTION_FORMS = {
    "submit": None,
    "propose": OutcomeForm,
    "decide": OutcomeForm,
    "suspend": ReasonForm,
    "reinstate": ReasonForm,
    "withdraw": ReasonForm,
    "appeal": ReasonForm,
    "appeal_review": AppealReviewForm,
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
}


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
        "suspend": services.label_suspend,
        "reinstate": services.label_reinstate,
        "withdraw": services.label_withdraw,
        "appeal": services.appeal_file,
    }[action]
    return service(application_id=pk, by=user, **data)


def _detail_context(request, application, bound: dict | None = None) -> dict:
    actions = _available_actions(request.user, application)
    forms = {name: ACTION_FORMS[name]() for name in actions if ACTION_FORMS.get(name)}
    forms.update(bound or {})
    events = application.events.select_related("actor").order_by("at", "pk")
    certificates = {
        c.decision_id: c for c in Certificate.objects.filter(decision__application=application)
    }
    decisions = [
        (decision, certificates.get(decision.pk))
        for decision in application.decisions.select_related("decided_by")
    ]
    audits = application.audits.select_related("lead_auditor").order_by("start_date")
    return {
        "application": application,
        "events": events,
        "audits": audits,
        "proposals": application.proposals.select_related("proposed_by"),
        "decisions": decisions,
        "appeals": application.appeals.select_related("filed_by", "reviewed_by"),
        "actions": actions,
        "forms": forms,
    }


@role_required(*STAFF_ROLES)
@require_GET
def application_detail(request, pk: int):
    application = get_application(request.user, pk)
    return render(
        request, "labelling/application_detail.html", _detail_context(request, application)
    )


@role_required(*STAFF_ROLES)
@require_POST
def application_action(request, pk: int, action: str):
    application = get_application(request.user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _detail_context(request, application, bound={action: form})
        return render(request, "labelling/application_detail.html", context, status=400)
    try:
        _run_action(action, application, form.cleaned_data if form else {}, request.user)
    except services.LabelError as error:
        return _conflict(request, str(error))
    messages.success(request, ACTION_MESSAGES[action])
    return redirect("labelling:application_detail", pk=application.pk)


# ---------------------------------------------------------------- audits


@role_required(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def audit_plan(request, pk: int):
    application = get_application(request.user, pk)
    kind = AuditKind.FOLLOW_UP if application.status == S.DECIDED else AuditKind.INITIAL
    form = AuditPlanForm(request.POST or None, application=application, lead=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_plan(
                application_id=application.pk,
                by=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                team_ids=[u.pk for u in data["team"]],
                risk_centre_ids=[c.pk for c in data["risk_centres"]],
                seed=data["seed"],
                kind=kind,
            )
        except services.LabelError as error:
            return _conflict(request, str(error))
        messages.success(request, _("The audit is planned and its sites are sampled."))
        return redirect("labelling:audit_detail", pk=audit.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "labelling/audit_plan.html",
        {"application": application, "form": form, "kind": kind},
        status=status,
    )


def _criteria(audit):
    return AuditCriterion.objects.filter(
        engagement__referential_id=audit.application.referential_id
    ).select_related("engagement")


def _audit_context(request, audit, bound: dict | None = None) -> dict:
    criteria = _criteria(audit)
    sites = audit.sites.select_related("centre").order_by("centre__city")
    filled = {
        row["site_id"]: row["count"]
        for row in GridEntry.objects.filter(site__audit=audit)
        .values("site_id")
        .annotate(count=Count("pk"))
    }
    criteria_count = criteria.count()
    user = request.user
    lead = audit.lead_auditor_id == user.pk
    member = lead or audit.team.filter(pk=user.pk).exists()
    forms = {}
    if member and audit.closed_at is None:
        forms = {
            "finding": FindingForm(audit=audit, criteria=criteria),
            "evidence": EvidenceForm(audit=audit),
        }
        if lead:
            forms["sites"] = SitesOverrideForm(audit=audit)
            forms["close"] = CloseAuditForm()
    forms.update(bound or {})
    return {
        "audit": audit,
        "application": audit.application,
        "sites": [(site, filled.get(site.pk, 0)) for site in sites],
        "criteria_count": criteria_count,
        "team": audit.team.order_by("full_name"),
        "findings": audit.findings.select_related("criterion", "site__centre"),
        "evidence": audit.evidence.select_related("site__centre", "uploaded_by"),
        "is_lead": lead,
        "is_member": member,
        "can_report": scope_of(user).has(*REPORT_ROLES),
        "forms": forms,
    }


@role_required(*STAFF_ROLES)
@require_GET
def audit_detail(request, pk: int):
    audit = get_audit(request.user, pk)
    return render(request, "labelling/audit_detail.html", _audit_context(request, audit))


@role_required(Role.AUDITOR)
@require_POST
def audit_post(request, pk: int, action: str):
    audit = get_audit(request.user, pk)
    criteria = _criteria(audit)
    forms = {
        "sites": lambda: SitesOverrideForm(request.POST, audit=audit),
        "finding": lambda: FindingForm(request.POST, audit=audit, criteria=criteria),
        "evidence": lambda: EvidenceForm(request.POST, request.FILES, audit=audit),
        "close": lambda: CloseAuditForm(request.POST),
    }
    if action not in forms:
        raise Http404
    form = forms[action]()
    if not form.is_valid():
        context = _audit_context(request, audit, bound={action: form})
        return render(request, "labelling/audit_detail.html", context, status=400)
    data = form.cleaned_data
    try:
        if action == "sites":
            services.audit_sites_override(
                audit_id=audit.pk,
                centre_ids=[c.pk for c in data["centres"]],
                reason=data["reason"],
                by=request.user,
            )
        elif action == "finding":
            services.finding_add(
                audit_id=audit.pk,
                criterion_id=data["criterion"].pk,
                kind=data["kind"],
                description=data["description"],
                site_id=data["site"].pk if data["site"] else None,
                by=request.user,
            )
        elif action == "evidence":
            services.evidence_add(
                audit_id=audit.pk,
                upload=data["file"],
                site_id=data["site"].pk if data["site"] else None,
                by=request.user,
            )
        else:
            services.audit_close(audit_id=audit.pk, conclusion=data["conclusion"], by=request.user)
    except services.LabelError as error:
        form.add_error(None, str(error))
        context = _audit_context(request, audit, bound={action: form})
        return render(request, "labelling/audit_detail.html", context, status=409)
    messages.success(request, _("Saved."))
    if action == "close":
        return redirect("labelling:application_detail", pk=audit.application_id)
    return redirect("labelling:audit_detail", pk=audit.pk)


REPORT_ROLES = (Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN, Role.CORRESPONDENT)


@role_required(*REPORT_ROLES)
@require_GET
def audit_report(request, pk: int):
    audit = get_audit(request.user, pk)
    pdf = audit_report_pdf(audit)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-audit-{audit.pk}.pdf"'
    return response


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def audit_grid(request, pk: int, site_pk: int):
    audit = get_audit(request.user, pk)
    site = get_object_or_404(AuditSite.objects.select_related("centre"), pk=site_pk, audit=audit)
    criteria = list(_criteria(audit))
    entries = {e.criterion_id: e for e in GridEntry.objects.filter(site=site)}
    form = GridForm(request.POST or None, criteria=criteria, entries=entries)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "labelling/audit_grid.html",
                {"audit": audit, "site": site, "form": form},
                status=400,
            )
        try:
            for criterion in criteria:
                conformity = form.cleaned_data[f"c{criterion.pk}"]
                if conformity:
                    services.grid_entry_save(
                        site_id=site.pk,
                        criterion_id=criterion.pk,
                        conformity=conformity,
                        comment=form.cleaned_data[f"m{criterion.pk}"],
                        by=request.user,
                    )
        except services.LabelError as error:
            return _conflict(request, str(error))
        except PermissionDenied:
            raise
        messages.success(request, _("The grid is saved."))
        return redirect("labelling:audit_detail", pk=audit.pk)
    return render(
        request, "labelling/audit_grid.html", {"audit": audit, "site": site, "form": form}
    )


# ---------------------------------------------------------------- scorecard


@role_required(Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN, Role.CORRESPONDENT)
@require_GET
def scorecard(request, pk: int):
    application = get_application(request.user, pk)
    others = list(referentials_for_what_if(application))
    what_if = None
    version = request.GET.get("version", "")
    if version:
        if not version.isdigit():
            return _conflict(request, _("Unknown referential version."), status=400)
        what_if_referential = next((r for r in others if r.version == int(version)), None)
        if what_if_referential is None:
            return _conflict(request, _("Unknown referential version."), status=400)
        what_if = scorecard_build(application, referential=what_if_referential)
    card = scorecard_build(application)
    return render(
        request,
        "labelling/scorecard.html",
        {"application": application, "card": card, "what_if": what_if, "others": others},
    )


# ---------------------------------------------------------------- certificates


@role_required(*STAFF_ROLES)
@require_GET
def certificate_detail(request, pk: int):
    certificate = get_certificate(request.user, pk)
    return render(request, "labelling/certificate_detail.html", {"certificate": certificate})


@role_required(*STAFF_ROLES)
@require_GET
def certificate_download(request, pk: int):
    certificate = get_certificate(request.user, pk)
    if certificate.status != CertificateStatus.READY:
        raise Http404
    return FileResponse(
        certificate.file.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )


@login_not_required
@require_GET
def verify(request, token: str):
    certificate = get_object_or_404(
        certificates_checked().select_related(
            "decision__application__structure", "decision__application__certification_body"
        ),
        public_token=token,
    )
    status = certificate_state(certificate, timezone.localdate())
    return render(
        request,
        "labelling/verify.html",
        {
            "certificate": certificate,
            "decision": certificate.decision,
            "structure": certificate.decision.application.structure,
            "status": status,
            "status_label": VerificationStatus(status).label,
        },
    )
