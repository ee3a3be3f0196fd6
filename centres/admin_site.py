from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import has_role
from .enums import Role


class ProductAdminSite(admin.AdminSite):
    """The Django admin, open only to DITP administrators (and technical superusers)."""

    site_header = _("Services Publics+ administration")
    site_title = _("Services Publics+ administration")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or has_role(user, Role.DITP_ADMIN)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in without the role: say so rather than loop through the sign-in page.
            raise PermissionDenied(_("Only DITP administrators can open the administration."))
        # One sign-in page for the whole product, with its brute-force protection.
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
