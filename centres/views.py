from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie
from kombu import Connection

from .access import (
    IMPROVEMENT_READERS,
    can_manage,
    get_action,
    get_centre,
    get_improvement_centre,
    get_managed_centre,
    get_self_assessment,
    role_required,
    visible_centres,
)
from .enums import ActionStatus, Role
from .forms import (
    ActionAbandonForm,
    ActionCloseForm,
    ActionFilterForm,
    ActionForm,
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
    SelfAssessmentEntryForm,
)
from .models import User
from .pagination import page_of
from .queries import (
    action_history,
    action_plan,
    change_rows,
    public_centres,
    published_actions,
    self_assessment_cycles,
    self_assessment_rows,
)
from .services import (
    EDITABLE_ACTION_FIELDS,
    EntryData,
    action_update,
    missing_engagements,
    self_assessment_save,
)
from .services import action_abandon as action_abandon_service
from .services import action_close as action_close_service
from .services import action_create as action_create_service
from .services import action_publish as action_publish_service
from .services import self_assessment_submit as self_assessment_submit_service

ALL_STAFF_ROLES = tuple(Role.values)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/emails/password_reset.txt"
    html_email_template_name = "registration/emails/password_reset.html"
    subject_template_name = "registration/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@role_required(*ALL_STAFF_ROLES)
def centre_list(request):
    centres = visible_centres(request.user)
    return render(request, "centres/centre_list.html", {"centres": centres})


@role_required(*ALL_STAFF_ROLES)
def centre_detail(request, code: str):
    centre = get_centre(request.user, code)
    referents = (
        centre.role_assignments.filter(role=Role.REFERENT)
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(request, "centres/centre_detail.html", {"centre": centre, "referents": referents})


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not_configured"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the broker is unusable
        return "error"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unusable
        return "error"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when every configured dependency answers, else 503."""
    checks = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(state in {"ok", "not_configured"} for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


# --- Self-assessment and action plan ---------------------------------------------------------

ACTIONS_PER_PAGE = 20


def _cycle_or_404(cycle: int) -> int:
    if not 2000 <= cycle <= 2100:
        raise Http404
    return cycle


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@role_required(*IMPROVEMENT_READERS)
@require_GET
def self_assessment_list(request, code: str):
    centre = get_improvement_centre(request.user, code)
    return render(
        request,
        "centres/self_assessment_list.html",
        {
            "centre": centre,
            "assessments": self_assessment_cycles(centre),
            "current_cycle": timezone.localdate().year,
            "can_manage": can_manage(request.user, centre),
        },
    )


@role_required(*IMPROVEMENT_READERS)
@require_GET
def self_assessment_detail(request, code: str, cycle: int):
    centre = get_improvement_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    return render(
        request,
        "centres/self_assessment_detail.html",
        {
            "centre": centre,
            "cycle": cycle,
            "assessment": assessment,
            "rows": self_assessment_rows(assessment),
            "can_manage": can_manage(request.user, centre),
        },
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def self_assessment_edit(request, code: str, cycle: int):
    centre = get_managed_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    detail_url = reverse("centres:self_assessment", kwargs={"code": code, "cycle": cycle})
    if assessment is not None and assessment.is_submitted:
        messages.info(
            request, _("This self-assessment was submitted: it can no longer be changed.")
        )
        return redirect(detail_url)
    rows = self_assessment_rows(assessment)
    data = request.POST if request.method == "POST" else None
    for row in rows:
        entry = row["entry"]
        initial = (
            {
                "maturity_level": entry.maturity_level,
                "strengths": entry.strengths,
                "gaps": entry.gaps,
                "evidence": entry.evidence,
            }
            if entry
            else None
        )
        row["form"] = SelfAssessmentEntryForm(data, prefix=f"e{row['number']}", initial=initial)
    status = 200
    if request.method == "POST":
        if all(row["form"].is_valid() for row in rows):
            entries = {row["number"]: EntryData(**row["form"].cleaned_data) for row in rows}
            try:
                self_assessment_save(centre=centre, cycle=cycle, entries=entries, by=request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
                return redirect(detail_url)
            messages.success(request, _("The self-assessment draft is saved."))
            if "submit" in request.POST:
                return redirect(
                    reverse("centres:self_assessment_submit", kwargs={"code": code, "cycle": cycle})
                )
            return redirect(detail_url)
        status = 400
    return render(
        request,
        "centres/self_assessment_edit.html",
        {"centre": centre, "cycle": cycle, "assessment": assessment, "rows": rows},
        status=status,
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def self_assessment_submit(request, code: str, cycle: int):
    centre = get_managed_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    detail_url = reverse("centres:self_assessment", kwargs={"code": code, "cycle": cycle})
    if assessment is not None and assessment.is_submitted:
        messages.info(request, _("This self-assessment is already submitted."))
        return redirect(detail_url)
    status = 200
    if request.method == "POST":
        try:
            self_assessment_submit_service(centre=centre, cycle=cycle, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            status = 400
        else:
            messages.success(
                request,
                _("The self-assessment is submitted. Your correspondent and auditors can read it."),
            )
            return redirect(detail_url)
    return render(
        request,
        "centres/self_assessment_submit.html",
        {
            "centre": centre,
            "cycle": cycle,
            "assessment": assessment,
            "missing": missing_engagements(assessment),
        },
        status=status,
    )


@role_required(*IMPROVEMENT_READERS)
@require_GET
def action_list(request, code: str):
    centre = get_improvement_centre(request.user, code)
    filters = ActionFilterForm(request.GET or None)
    status = 200
    criteria = {}
    if filters.is_bound:
        if filters.is_valid():
            criteria = {
                "status": filters.cleaned_data["status"],
                "engagement_number": filters.cleaned_data["engagement"],
            }
        else:
            status = 400
    page = page_of(request, action_plan(centre, **criteria), ACTIONS_PER_PAGE)
    return render(
        request,
        "centres/action_list.html",
        {
            "centre": centre,
            "filters": filters,
            "is_filtered": any(criteria.values()),
            "page_obj": page,
            "today": timezone.localdate(),
            "can_manage": can_manage(request.user, centre),
        },
        status=status,
    )


def _action_owners(centre):
    return User.objects.filter(
        is_active=True, role_assignments__role=Role.REFERENT, role_assignments__centre=centre
    ).order_by("full_name")


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def action_create(request, code: str):
    centre = get_managed_centre(request.user, code)
    form = ActionForm(request.POST or None, owners=_action_owners(centre))
    if request.method == "POST":
        if form.is_valid():
            try:
                action = action_create_service(centre=centre, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The action is added to the plan."))
                return redirect(action_url(action))
    return render(
        request,
        "centres/action_form.html",
        {"centre": centre, "form": form, "action": None},
        status=400 if form.errors else 200,
    )


def action_url(action, name: str = "centres:action_detail") -> str:
    return reverse(name, kwargs={"code": action.centre.code, "pk": action.pk})


@role_required(*IMPROVEMENT_READERS)
@require_GET
def action_detail(request, code: str, pk: int):
    centre = get_improvement_centre(request.user, code)
    action = get_action(centre, pk)
    events = [{"event": event, "changes": change_rows(event)} for event in action_history(action)]
    return render(
        request,
        "centres/action_detail.html",
        {
            "centre": centre,
            "action": action,
            "events": events,
            "today": timezone.localdate(),
            "can_manage": can_manage(request.user, centre),
        },
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def action_edit(request, code: str, pk: int):
    centre = get_managed_centre(request.user, code)
    action = get_action(centre, pk)
    if not action.is_open:
        messages.info(request, _("A closed action can no longer be changed."))
        return redirect(action_url(action))
    initial = {field: getattr(action, field) for field in EDITABLE_ACTION_FIELDS}
    form = ActionForm(request.POST or None, initial=initial, owners=_action_owners(centre))
    if request.method == "POST":
        if form.is_valid():
            try:
                action_update(action=action, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The action is updated."))
                return redirect(action_url(action))
    return render(
        request,
        "centres/action_form.html",
        {"centre": centre, "form": form, "action": action},
        status=400 if form.errors else 200,
    )


def _closing_view(request, code: str, pk: int, *, form_class, service, template, success):
    centre = get_managed_centre(request.user, code)
    action = get_action(centre, pk)
    if not action.is_open:
        messages.info(request, _("This action is already closed."))
        return redirect(action_url(action))
    form = form_class(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service(action=action, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, success)
                return redirect(action_url(action))
    return render(
        request,
        template,
        {"centre": centre, "action": action, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def action_close(request, code: str, pk: int):
    return _closing_view(
        request,
        code,
        pk,
        form_class=ActionCloseForm,
        service=action_close_service,
        template="centres/action_close.html",
        success=_("The action is closed as done."),
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def action_abandon(request, code: str, pk: int):
    return _closing_view(
        request,
        code,
        pk,
        form_class=ActionAbandonForm,
        service=action_abandon_service,
        template="centres/action_abandon.html",
        success=_("The action is abandoned."),
    )


@role_required(Role.REFERENT)
@require_POST
def action_publish(request, code: str, pk: int):
    centre = get_managed_centre(request.user, code)
    action = get_action(centre, pk)
    published = request.POST.get("published") == "1"
    action_publish_service(action=action, by=request.user, published=published)
    if published:
        messages.success(request, _("The action is published on the centre's public page."))
    else:
        messages.success(request, _("The action is withdrawn from the centre's public page."))
    return redirect(action_url(action))


@login_not_required
@require_GET
@vary_on_cookie
@cache_control(max_age=60)
def public_action_plan(request, code: str):
    """Public: a centre's published actions, and what was done after users asked for it."""
    centre = get_object_or_404(public_centres(), code=code)
    actions = list(published_actions(centre))
    return render(
        request,
        "centres/public_action_plan.html",
        {
            "centre": centre,
            "done": [a for a in actions if a.status == ActionStatus.DONE],
            "ongoing": [a for a in actions if a.status != ActionStatus.DONE],
        },
    )
