"""Per-IP rate limit on failed survey links (unknown or expired tokens), in the shared cache.

The counter uses the cache's atomic add + incr (Redis in production). The IP address is only
used hashed, as a short-lived cache key, and never stored in the database.

It fails open: with the cache unreachable, citizens can still answer (the limit only slows
token guessing, which 128-bit tokens already make hopeless), rather than meet an error page."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 600


def _key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"surveys:failed-links:{digest}"


def failed_links_exceeded(request) -> bool:
    """True when this address has failed too many links within the window."""
    limit = getattr(settings, "SURVEY_FAILED_LINK_LIMIT", DEFAULT_LIMIT)
    try:
        return (cache.get(_key(request)) or 0) >= limit
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable error=%s", type(exc).__name__)
        return False


def failed_link_record(request) -> int:
    """Count one more failed link for this address; return the new count."""
    window = getattr(settings, "SURVEY_FAILED_LINK_WINDOW", DEFAULT_WINDOW_SECONDS)
    key = _key(request)
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            return 1
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable error=%s", type(exc).__name__)
        return 0
