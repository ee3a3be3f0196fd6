"""Error pages in the product's layout and in French."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _error(request, status: int, title: str, message: str):
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("Invalid request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else ""
    return _error(
        request,
        403,
        _("Access denied"),
        detail or _("Your role does not give access to this page."),
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a French page in the product's layout instead of Django's bare one."""
    return _error(
        request,
        403,
        _("Form expired"),
        _(
            "For your security, this form could not be accepted: it was open for too long, "
            "or your browser refuses cookies from this site. Go back, reload the page and "
            "send the form again."
        ),
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("The page you are looking for does not exist or is not within your scope."),
    )


def server_error(request):
    # Rendered without context processors: the database may be the thing that failed.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render())
