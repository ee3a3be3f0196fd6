"""The address absolute links are written with: e-mails, the CSV of survey links, QR codes.

In production it is the explicit `SITE_URL` setting, checked at start-up. In development
(`SITE_URL_FROM_REQUEST`), the scheme, host and port the server was last reached on take its
place, so that `make run PORT=8201` (or whichever command serves) writes links to port 8201,
also from work done after the request (tasks run on commit); before any request, and in a
separate process, `SITE_URL` stays, which `make run` sets from HOST and PORT."""

from contextvars import ContextVar

from django.conf import settings

_served: ContextVar[str | None] = ContextVar("served_site_url", default=None)
_last_served: list[str] = []  # development only: the origin of the latest request


def _from_request() -> bool:
    return getattr(settings, "SITE_URL_FROM_REQUEST", False)


def site_url() -> str:
    """The scheme, host and port links start with, without a trailing slash."""
    if not _from_request():
        return settings.SITE_URL
    return _served.get() or (_last_served[0] if _last_served else settings.SITE_URL)


class ServedSiteMiddleware:
    """In development only: links point at the server that served the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _from_request():
            return self.get_response(request)
        origin = f"{request.scheme}://{request.get_host()}"
        _last_served[:] = [origin]
        token = _served.set(origin)
        try:
            return self.get_response(request)
        finally:
            _served.reset(token)
