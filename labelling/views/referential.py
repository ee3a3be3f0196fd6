"""The referential in the product: versions, what changed, a new version, putting it in force.

A version is never edited: every save creates a new draft version copied from the one shown
(services.referential_version_derive); only the DITP administrator writes."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres.access import has_role, role_required
from centres.enums import Role

from .. import services
from ..enums import ReferentialStatus
from ..forms._common import body_is_utf8
from ..forms.referential import ReferentialVersionForm
from ..models import Application, AuditCriterion, Decision, Referential
from ..queries import level_rule_rows, previous_version, referential_changes
from ._common import _conflict

READERS = (Role.DITP_ADMIN, Role.DECIDER)


def _referential(pk: int) -> Referential:
    # The referential is public knowledge inside the product: no scope beyond the role.
    return get_object_or_404(Referential.objects.select_related("based_on"), pk=pk)


@role_required(*READERS)
@require_GET
def referential_list(request):
    referentials = Referential.objects.prefetch_related("level_rules").order_by("-version")
    used = dict(
        Application.objects.order_by()
        .values_list("referential_id")
        .annotate(count=Count("pk"))
        .values_list("referential_id", "count")
    )
    return render(
        request,
        "labelling/referential/referential_list.html",
        {
            "referentials": [(r, used.get(r.pk, 0)) for r in referentials],
            "can_edit": has_role(request.user, Role.DITP_ADMIN),
        },
    )


@role_required(*READERS)
@require_GET
def referential_detail(request, pk: int):
    referential = _referential(pk)
    previous = previous_version(referential)
    criteria = AuditCriterion.objects.filter(engagement__referential=referential).select_related(
        "engagement"
    )
    return render(
        request,
        "labelling/referential/referential_detail.html",
        {
            "referential": referential,
            "previous": previous,
            "changes": referential_changes(previous, referential),
            "rules": level_rule_rows(referential),
            "criteria": criteria,
            "applications": Application.objects.filter(referential=referential).count(),
            "decisions": Decision.objects.filter(referential=referential).count(),
            "can_edit": has_role(request.user, Role.DITP_ADMIN),
        },
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def referential_new_version(request, pk: int):
    source = _referential(pk)
    form = ReferentialVersionForm(request.POST or None, source=source, utf8=body_is_utf8(request))
    if request.method == "POST" and form.is_valid():
        try:
            new = services.referential_version_derive(
                source_id=source.pk, by=request.user, **form.edits()
            )
        except services.LabelError as error:
            form.add_error(None, str(error))
            context = {"source": source, "form": form}
            return render(
                request, "labelling/referential/referential_form.html", context, status=409
            )
        messages.success(
            request,
            _("Version %(version)s is created as a draft. Check the changes, then put it in force.")
            % {"version": new.version},
        )
        return redirect("labelling:referential_detail", pk=new.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "labelling/referential/referential_form.html",
        {"source": source, "form": form},
        status=status,
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def referential_activate(request, pk: int):
    referential = _referential(pk)
    if referential.status != ReferentialStatus.DRAFT:
        return _conflict(request, _("Only a draft version can be put in force."))
    in_force = Referential.objects.filter(status=ReferentialStatus.ACTIVE).first()
    if request.method == "POST":
        try:
            services.referential_activate(referential_id=referential.pk, by=request.user)
        except services.LabelError as error:
            return _conflict(request, str(error))
        messages.success(
            request,
            _("Version %(version)s is in force: new applications are filed under it.")
            % {"version": referential.version},
        )
        return redirect("labelling:referential_detail", pk=referential.pk)
    return render(
        request,
        "labelling/referential/referential_activate.html",
        {"referential": referential, "in_force": in_force},
    )
