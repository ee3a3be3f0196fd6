"""Rate limits in the shared cache, and the client's address they (and django-axes) key on.

The counters use the cache's atomic add + incr (Redis in production). Addresses and other
discriminators (an e-mail, a centre) are only used hashed, as short-lived cache keys, and never
stored in the database.

They fail open: with the cache unreachable, people can still sign in, answer and write, rather
than meet an error page (django-axes' per-account lock, in the database, still holds)."""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's IP address, seen through the TRUSTED_PROXY_COUNT proxies in front of us.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the TRUSTED_PROXY_COUNT-th entry from the right; entries further left were
    written by the client and are ignored. Without trusted proxies the header is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(forwarded) < count:  # did not come through every proxy: do not guess
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _key(scope: str, *parts: str) -> str:
    material = ":".join([settings.SECRET_KEY, *parts])
    return f"ratelimit:{scope}:{hashlib.sha256(material.encode()).hexdigest()[:32]}"


def count_of(key: str) -> int:
    """The current count of a rate-limit key (0 when unknown or the cache is unreachable)."""
    try:
        return cache.get(key) or 0
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable key=%s error=%s", key[:20], type(exc).__name__)
        return 0


def count_one_more(key: str, window: int) -> int:
    """Add one to a rate-limit key that lives `window` seconds; return the new count."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            return 1
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable key=%s error=%s", key[:20], type(exc).__name__)
        return 0


def address_key(request, scope: str, discriminator: str = "") -> str:
    """The key counting `scope` for this client's address (and `discriminator`, if any)."""
    return _key(scope, "address", client_address(request), discriminator)


def shared_key(scope: str, discriminator: str) -> str:
    """The key counting `scope` for `discriminator` whatever the address (an account...)."""
    return _key(scope, "shared", discriminator)


def limit_reached(request, *, scope: str, limit: int, discriminator: str = "") -> bool:
    """True when this address has reached `limit` attempts of `scope` within the window."""
    return count_of(address_key(request, scope, discriminator)) >= limit


def attempt_record(request, *, scope: str, window: int, discriminator: str = "") -> int:
    """Count one more attempt of `scope` for this address; return the new count."""
    return count_one_more(address_key(request, scope, discriminator), window)


# Sign-in and password reset -------------------------------------------------------------------


def sign_in_address_blocked(request) -> bool:
    """True when this address failed to sign in too often (password spraying over accounts)."""
    return limit_reached(request, scope="sign-in", limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT)


def sign_in_failure_record(request) -> int:
    """Count one more failed sign-in from this address."""
    return attempt_record(request, scope="sign-in", window=settings.LOGIN_ADDRESS_WINDOW)


def password_reset_allowed(request, email: str) -> bool:
    """Count one reset request; False once the address or the account asked too often."""
    window = settings.PASSWORD_RESET_WINDOW
    per_address = attempt_record(request, scope="password-reset", window=window)
    per_account = count_one_more(shared_key("password-reset", email.lower()), window)
    return (
        per_address <= settings.PASSWORD_RESET_ADDRESS_LIMIT
        and per_account <= settings.PASSWORD_RESET_ACCOUNT_LIMIT
    )
