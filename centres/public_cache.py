"""Whole-page cache of the public pages, and the caching headers of every response.

An anonymous GET of a page marked `@public_page` (home, search, centre pages, action plan,
reviews, verification, open data, sitemap) is answered from the cache when a copy is fresh:
no session, database or template work, only one cache round trip. A copy is fresh while the
generation it was rendered under is current: the centre's for a centre's pages, the site's
for the others (home, search, lists, verification, open data). `public_cache_touch()` gives
the touched centres and the site a new generation after the writing transaction commits, so
the next request renders again: the services that change a public page call it (review
published or answered, label decided, suspended, reinstated, withdrawn, expired or appealed,
campaign closed, action plan changed). A copy also ends with the day (a label's validity
ends at midnight) and after PUBLIC_PAGE_CACHE_SECONDS, whatever happens.

Copies carry a weak ETag and Last-Modified; a matching If-None-Match or If-Modified-Since gets
a 304. The CSP nonce of a copy is replaced on every answer (the page and its header get a new
one), so no two answers share a nonce.

Never cached: a visitor with a session or flash messages (signed-in users get their own page,
marked `Cache-Control: private` by PrivateWhenSignedInMiddleware), a query string with other
parameters than the page declares, an answer other than a 200 or one that sets a cookie. A
cache that does not answer is skipped: the page is rendered as if there were no cache."""

import base64
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

SITE = "site"
# A generation outlives the copies made under it (PUBLIC_PAGE_CACHE_SECONDS); when it ends, the
# next one is new and its copies are rendered again. Finite, so that addresses of centres that
# do not exist leave nothing behind for long.
GENERATION_SECONDS = 24 * 60 * 60
NONCE_SLOT = "nonce-slot-9d41c2e7b05a8f36aa11"
# Headers a copy does not keep: cookies are never cached, the length is the copy's own.
_NOT_KEPT = {"set-cookie", "content-length"}
_CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def public_page(*, centre_kwarg: str | None = None, params: Iterable[str] = ()):
    """Mark a public view as cacheable whole for anonymous visitors.

    `centre_kwarg`: the URL argument holding the centre's code (its pages follow its
    generation); `params`: the query parameters the view reads (others bypass the cache)."""

    def mark(view: Callable) -> Callable:
        view.public_page = (centre_kwarg, frozenset(params))
        return view

    return mark


def _generation_key(scope: str) -> str:
    return f"public_gen:{scope}"


def _centre_scope(code: str) -> str:
    return f"centre:{code}"


def generations(scopes: list[str]) -> list[str]:
    """The current generation of each scope (a new one for a scope the cache lost)."""
    keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    for key, value in missing.items():
        cache.add(key, value, timeout=GENERATION_SECONDS)
    if missing:
        found |= cache.get_many(list(missing))
    return [found.get(key, "") for key in keys]


def _generation_or_none(scope: str) -> str:
    try:
        return generations([scope])[0]
    except Exception:  # noqa: BLE001 - the caller's cache read fails the same way, or not
        return "unavailable"


def centre_generation(code: str) -> str:
    """A centre's generation, for caches of parts of its pages (figures)."""
    return _generation_or_none(_centre_scope(code))


def site_generation() -> str:
    """The site's generation, for caches of site-wide data (open data)."""
    return _generation_or_none(SITE)


def public_cache_bump(centre_codes: list[str]) -> None:
    """New generations for these centres and the site, now (public_cache_touch waits for
    the commit)."""
    scopes = [SITE, *(_centre_scope(code) for code in centre_codes)]
    try:
        new = {_generation_key(scope): uuid.uuid4().hex for scope in scopes}
        cache.set_many(new, timeout=GENERATION_SECONDS)
    except Exception:  # noqa: BLE001 - copies still end after PUBLIC_PAGE_CACHE_SECONDS
        logger.exception("public_cache_touch_failed centres=%s", len(centre_codes))


def public_cache_touch(*, structure_id: int | None = None, centre_ids: Iterable[int] = ()) -> None:
    """After the current transaction commits, the public pages of these centres (all those of
    the structure) and the site's lists are rendered again on their next request."""
    centre_ids = list(centre_ids)

    def touch():
        from .models import Centre

        centres = Centre.objects.none()
        if structure_id is not None:
            centres |= Centre.objects.filter(structure_id=structure_id)
        if centre_ids:
            centres |= Centre.objects.filter(pk__in=centre_ids)
        public_cache_bump(list(centres.values_list("code", flat=True)))

    transaction.on_commit(touch)


def cached_or_computed(key: str, compute: Callable, timeout: int):
    """A value kept in the cache for `timeout` seconds; computed each time the cache fails."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the pages down
        logger.warning("public_cache_unavailable key=%s", key.split(":")[0])
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            logger.warning("public_cache_unavailable key=%s", key.split(":")[0])
    return value


# The middleware ------------------------------------------------------------------------------


def _view_marks(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None
    return getattr(match.func, "public_page", None), match


def _anonymous_and_clean(request, params: frozenset) -> bool:
    """A visitor every other anonymous visitor may be served the same page as."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return set(request.GET) <= params


# Tests change settings (brand, product name) that pages show: a change starts new copies.
_SETTINGS_EPOCH = [0]


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    _SETTINGS_EPOCH[0] += 1


def _page_key(request, params: frozenset) -> str:
    query = sorted((k, v) for k in params for v in request.GET.getlist(k))
    what = repr((request.path, query, request.META.get("HTTP_HOST", ""), settings.SITE_URL))
    digest = hashlib.sha256(what.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"public_page:v1:{digest}:{request.LANGUAGE_CODE}:{day}:{_SETTINGS_EPOCH[0]}"


def _new_nonce() -> str:
    return base64.b64encode(os.urandom(16)).decode("ascii")  # as django-csp makes them


def _entry_from(response, request, generation: list[str]) -> dict | None:
    """What the cache keeps of a rendered page, its nonce replaced by a slot (or None)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
        "Cache-Control", ""
    ):
        return None
    content = response.content
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_KEPT}
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), NONCE_SLOT.encode())
        headers = {k: v.replace(nonce, NONCE_SLOT) for k, v in headers.items()}
    etag = hashlib.sha256(content + repr(generation).encode()).hexdigest()[:32]
    # A view that knows when its data changed says so; otherwise the copy's own time.
    modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())
    return {
        "generation": generation,
        "content": content,
        "headers": headers,
        "etag": f'W/"{etag}"',
        "last_modified": modified,
    }


def _response_from(entry: dict) -> HttpResponse:
    nonce = _new_nonce()
    response = HttpResponse(entry["content"].replace(NONCE_SLOT.encode(), nonce.encode()))
    for name, value in entry["headers"].items():
        response[name] = value.replace(NONCE_SLOT, nonce) if name in _CSP_HEADERS else value
    return response


def _public_headers(response, entry: dict) -> None:
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    # Signed-in users get another page at the same address: shared caches must tell them apart.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


class PublicPageCacheMiddleware:
    """Serves anonymous public pages from the cache (after LocaleMiddleware: the language is
    part of the key; before the session, CSRF and authentication work a copy does not need)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marks, match = _view_marks(request)
        if marks is None:
            return self.get_response(request)
        centre_kwarg, params = marks
        if not _anonymous_and_clean(request, params):
            return self.get_response(request)
        # A centre's pages follow its own generation only: an event elsewhere leaves them be.
        scopes = [_centre_scope(match.kwargs[centre_kwarg])] if centre_kwarg else [SITE]
        key = _page_key(request, params)
        try:
            generation, entry = _lookup(key, scopes)
        except Exception:  # noqa: BLE001 - a cache outage must not take the pages down
            logger.exception("public_cache_unavailable path=%s", request.path)
            return self.get_response(request)
        if entry is not None and entry["generation"] == generation:
            response = _response_from(entry)
        else:
            response = self.get_response(request)
            entry = _entry_from(response, request, generation)
            if entry is not None:
                _keep(key, entry)
        if entry is None:  # not a copy (an error, a stream...): the view's own headers stand
            return response
        _public_headers(response, entry)
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )


def _lookup(key: str, scopes: list[str]) -> tuple[list[str], dict | None]:
    """The current generation of the scopes and the copy, in one round trip when both are
    there (the copy carries the generation it was rendered under)."""
    generation_keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many([*generation_keys, key])
    if all(k in found for k in generation_keys):
        return [found[k] for k in generation_keys], found.get(key)
    return generations(scopes), found.get(key)


def _keep(key: str, entry: dict) -> None:
    try:
        cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - the page was rendered: serve it anyway
        logger.warning("public_cache_unavailable key=public_page")


def _shared_lifetime(directive: str) -> bool:
    name, _, value = directive.partition("=")
    return name == "public" or (name in ("max-age", "s-maxage") and value != "0")


def _private(response) -> None:
    """Cache-Control: private, no-cache, without the public lifetime a view may have set."""
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    kept = [d for d in directives if not _shared_lifetime(d.lower())]
    response["Cache-Control"] = ", ".join(dict.fromkeys([*kept, "private", "no-cache"]))
    patch_vary_headers(response, ("Cookie",))


class PrivateWhenSignedInMiddleware:
    """Every response to a signed-in user says `Cache-Control: private` (no shared cache may
    keep what a person sees when signed in). After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _private(response)
        return response
