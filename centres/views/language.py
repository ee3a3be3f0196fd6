"""The language switch of every page: a plain link (no form), so that cached pages stay
identical for every visitor and the switch works without JavaScript."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _safe_next(request) -> str:
    """The page to go back to, on this site only (never an open redirect)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else "/"


@login_not_required
@require_GET
def language_switch(request, code: str):
    """Remember the visitor's language in the language cookie and go back to the page."""
    if code not in LANGUAGE_CODES:
        raise Http404
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    response["Cache-Control"] = "no-store"
    return response
