"""A centre's action plan: list, create, edit, close, abandon, publish; the public plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie

from ..access import (
    IMPROVEMENT_READERS,
    can_manage,
    get_action,
    get_improvement_centre,
    get_managed_centre,
    role_required,
)
from ..enums import ActionStatus, Role
from ..forms.actions import ActionAbandonForm, ActionCloseForm, ActionFilterForm, ActionForm
from ..models import User
from ..pagination import page_of
from ..public_cache import public_page
from ..queries import (
    action_history,
    action_plan,
    change_rows,
    public_centres,
    published_actions,
)
from ..services.actions import EDITABLE_ACTION_FIELDS, action_update
from ..services.actions import action_abandon as action_abandon_service
from ..services.actions import action_close as action_close_service
from ..services.actions import action_create as action_create_service
from ..services.actions import action_publish as action_publish_service

ACTIONS_PER_PAGE = 20


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
        "centres/actions/action_list.html",
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
        "centres/actions/action_form.html",
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
        "centres/actions/action_detail.html",
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
        "centres/actions/action_form.html",
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
        template="centres/actions/action_close.html",
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
        template="centres/actions/action_abandon.html",
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


@public_page(centre_kwarg="code")
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
        "centres/actions/public_action_plan.html",
        {
            "centre": centre,
            "done": [a for a in actions if a.status == ActionStatus.DONE],
            "ongoing": [a for a in actions if a.status != ActionStatus.DONE],
        },
    )
