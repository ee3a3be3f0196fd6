"""Values every page needs: product name, brand switch and the navigation of the user's roles."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .access import scope_of
from .enums import Role
from .notifications import unread_count


def _navigation(user) -> list[dict]:
    items = [{"label": _("Home"), "url": reverse("home")}]
    if not user.is_authenticated:
        return items
    scope = scope_of(user)
    items.append({"label": _("Dashboard"), "url": reverse("dashboard")})
    if scope.roles:
        items.append({"label": _("Centres"), "url": reverse("centres:list")})
    if scope.has(Role.DITP_ADMIN, Role.CORRESPONDENT):
        items.append({"label": _("Organisation"), "url": reverse("organisation:home")})
    if scope.has(Role.DITP_ADMIN):
        items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return items


# Each language is named in itself, whatever the page's language.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _language_switch(request) -> dict:
    """The link to the same page in the other language."""
    other = "en" if get_language() == "fr" else "fr"
    query = urlencode({"next": request.get_full_path()})
    return {
        "code": other,
        "name": LANGUAGE_NAMES[other],
        "url": f"{reverse('language_switch', args=[other])}?{query}",
    }


def shell(request) -> dict:
    """Context for templates/layout/base.html."""
    # An error page raised before AuthenticationMiddleware (a bad Host header) has no user.
    user = getattr(request, "user", None) or AnonymousUser()
    navigation = _navigation(user)
    current = request.path
    for item in navigation:
        item["current"] = item["url"] == current
    return {
        "unread_notifications": unread_count(user),
        "PRODUCT_NAME": settings.PRODUCT_NAME,
        "OPERATOR_NAME": settings.OPERATOR_NAME,
        "STATE_BRAND": settings.STATE_BRAND,
        "navigation": navigation,
        "language_switch": _language_switch(request),
    }
