"""The organisation: centres a staff member can see, and the pages where the DITP (everywhere)
and the network's correspondents (within their network) create, edit and deactivate networks,
structures, centres and certification bodies, or import structures and centres from a CSV."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..access import (
    ORGANISATION_MANAGERS,
    STAFF_ROLES,
    get_centre,
    get_managed,
    managed_networks,
    managed_organisation_centres,
    managed_structures,
    role_required,
    scope_of,
    visible_centres,
)
from ..enums import Role
from ..forms.organisation import (
    CentreForm,
    CertificationBodyForm,
    ConfirmUploadForm,
    NetworkForm,
    StructureForm,
    UploadForm,
)
from ..models import CertificationBody, Network
from ..services.organisation import (
    ImportConflict,
    organisation_import_apply,
    organisation_import_check,
)
from ..uploads import read_upload, store_upload

IMPORT_KIND = "organisation"


@role_required(*STAFF_ROLES)
def centre_list(request):
    centres = visible_centres(request.user)
    return render(request, "centres/organisation/centre_list.html", {"centres": centres})


@role_required(*STAFF_ROLES)
def centre_detail(request, code: str):
    centre = get_centre(request.user, code)
    referents = (
        centre.role_assignments.filter(role=Role.REFERENT)
        .select_related("user")
        .order_by("user__full_name")
    )
    can_edit = managed_organisation_centres(request.user).filter(pk=centre.pk).exists()
    return render(
        request,
        "centres/organisation/centre_detail.html",
        {"centre": centre, "referents": referents, "can_edit": can_edit},
    )


# --- Overview --------------------------------------------------------------------------------


@role_required(*ORGANISATION_MANAGERS)
@require_GET
def organisation_home(request):
    is_ditp = scope_of(request.user).has(Role.DITP_ADMIN)
    structures = managed_structures(request.user).annotate(
        centre_count=Count("centres"),
        active_centre_count=Count("centres", filter=Q(centres__is_active=True)),
        agent_count=Sum("centres__agents_count"),
    )
    return render(
        request,
        "centres/organisation/home.html",
        {
            "is_ditp": is_ditp,
            "networks": managed_networks(request.user),
            "structures": structures.order_by("network__name", "name"),
            "bodies": CertificationBody.objects.all() if is_ditp else None,
        },
    )


# --- Create and edit, one helper for the four kinds -------------------------------------------


def _edit(request, *, form_class, instance, title, done_url, form_kwargs=None):
    form = form_class(request.POST or None, instance=instance, **(form_kwargs or {}))
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("« %(name)s » is saved.") % {"name": saved})
            return redirect(done_url(saved))
        status = 400
    else:
        status = 200
    return render(
        request,
        "centres/organisation/form.html",
        {"form": form, "title": title, "cancel_url": reverse("organisation:home")},
        status=status,
    )


def _home_url(_saved) -> str:
    return reverse("organisation:home")


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def network_create(request):
    return _edit(
        request,
        form_class=NetworkForm,
        instance=None,
        title=_("New network"),
        done_url=_home_url,
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def network_edit(request, code: str):
    network = get_object_or_404(Network, code=code)
    return _edit(
        request,
        form_class=NetworkForm,
        instance=network,
        title=_("Edit the network « %(name)s »") % {"name": network.name},
        done_url=_home_url,
    )


def _structure_url(structure) -> str:
    return reverse("organisation:structure_detail", args=[structure.code])


@role_required(*ORGANISATION_MANAGERS)
@require_http_methods(["GET", "POST"])
def structure_create(request):
    return _edit(
        request,
        form_class=StructureForm,
        instance=None,
        title=_("New labelled structure"),
        done_url=_structure_url,
        form_kwargs={"networks": managed_networks(request.user)},
    )


@require_http_methods(["GET", "POST"])
def structure_edit(request, code: str):
    structure = get_managed(request.user, managed_structures, code)
    return _edit(
        request,
        form_class=StructureForm,
        instance=structure,
        title=_("Edit « %(name)s »") % {"name": structure.name},
        done_url=_structure_url,
        form_kwargs={"networks": managed_networks(request.user)},
    )


@require_GET
def structure_detail(request, code: str):
    structure = get_managed(request.user, managed_structures, code)
    centres = structure.centres.order_by("city")
    return render(
        request,
        "centres/organisation/structure_detail.html",
        {
            "structure": structure,
            "centres": centres,
            "agents": sum(c.agents_count for c in centres),
        },
    )


def _centre_url(centre) -> str:
    return reverse("centres:detail", args=[centre.code])


@role_required(*ORGANISATION_MANAGERS)
@require_http_methods(["GET", "POST"])
def centre_create(request):
    structures = managed_structures(request.user)
    initial_structure = structures.filter(code=request.GET.get("structure", "")).first()
    form_kwargs = {"structures": structures}
    if initial_structure is not None and request.method == "GET":
        form_kwargs["initial"] = {"structure": initial_structure}
    return _edit(
        request,
        form_class=CentreForm,
        instance=None,
        title=_("New centre"),
        done_url=_centre_url,
        form_kwargs=form_kwargs,
    )


@require_http_methods(["GET", "POST"])
def centre_edit(request, code: str):
    centre = get_managed(request.user, managed_organisation_centres, code)
    return _edit(
        request,
        form_class=CentreForm,
        instance=centre,
        title=_("Edit « %(name)s »") % {"name": centre.name},
        done_url=_centre_url,
        form_kwargs={"structures": managed_structures(request.user)},
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def body_create(request):
    return _edit(
        request,
        form_class=CertificationBodyForm,
        instance=None,
        title=_("New certification body"),
        done_url=_home_url,
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def body_edit(request, code: str):
    body = get_object_or_404(CertificationBody, code=code)
    return _edit(
        request,
        form_class=CertificationBodyForm,
        instance=body,
        title=_("Edit « %(name)s »") % {"name": body.name},
        done_url=_home_url,
    )


# --- CSV import of structures and centres: upload, preview, confirm ---------------------------


def _import_page(request, *, form, plan=None, confirm=None, status=200) -> HttpResponse:
    return render(
        request,
        "centres/organisation/import.html",
        {"form": form, "plan": plan, "confirm": confirm},
        status=status,
    )


@role_required(*ORGANISATION_MANAGERS)
@require_http_methods(["GET", "POST"])
def organisation_import(request):
    if request.method == "GET":
        return _import_page(request, form=UploadForm())
    if "sha256" in request.POST:
        return _import_confirm(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form, status=400)
    uploaded = form.cleaned_data["file"]
    content = uploaded.read()
    plan = organisation_import_check(
        filename=uploaded.name, content=content, networks=managed_networks(request.user)
    )
    if plan.errors:
        return _import_page(request, form=form, plan=plan, status=400)
    uploaded.seek(0)
    sha = store_upload(request, uploaded, kind=IMPORT_KIND)
    confirm = ConfirmUploadForm(initial={"sha256": sha, "filename": uploaded.name})
    return _import_page(request, form=UploadForm(), plan=plan, confirm=confirm)


def _import_confirm(request) -> HttpResponse:
    confirm = ConfirmUploadForm(request.POST)
    content = None
    if confirm.is_valid():
        content = read_upload(request, kind=IMPORT_KIND, sha=confirm.cleaned_data["sha256"])
    if content is None:
        messages.error(request, _("This file is no longer available: send it again."))
        return _import_page(request, form=UploadForm(), status=400)
    plan = organisation_import_check(
        filename=confirm.cleaned_data["filename"],
        content=content,
        networks=managed_networks(request.user),
    )
    if plan.errors:
        return _import_page(request, form=UploadForm(), plan=plan, status=400)
    try:
        organisation_import_apply(plan=plan)
    except ImportConflict:
        messages.error(
            request,
            _("Someone changed these structures or centres meanwhile: nothing was imported."),
        )
        return _import_page(request, form=UploadForm(), status=409)
    messages.success(
        request,
        _("Import done: %(new)s centres created, %(updated)s updated.")
        % {"new": plan.new_centres, "updated": plan.updated_centres},
    )
    return redirect("organisation:home")
