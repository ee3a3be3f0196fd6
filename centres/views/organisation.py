"""The organisation: the centres a staff member can see, and one centre's page."""

from django.shortcuts import render

from ..access import (
    STAFF_ROLES,
    get_centre,
    role_required,
    visible_centres,
)
from ..enums import Role


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
    return render(
        request,
        "centres/organisation/centre_detail.html",
        {"centre": centre, "referents": referents},
    )
