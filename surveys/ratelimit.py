"""Per-IP rate limits in the shared cache: failed survey links, review submissions.

The counters use the cache's atomic add + incr (Redis in production). The IP address is only
used hashed, as a short-lived cache key, and never stored in the database.

They fail open: with the cache unreachable, citizens can still answer and write (the limits
only slow token guessing, which 128-bit tokens already make hopeless, and spam, which
moderation catches), rather than meet an error page."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 600
DEFAULT_REVIEW_LIMIT = 5
DEFAULT_REVIEW_WINDOW_SECONDS = 3600


def _key(request, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"surveys:{scope}:{digest}"


def limit_reached(request, *, scope: str, limit: int) -> bool:
    """True when this address has reached `limit` attempts of `scope` within the window."""
    try:
        return (cache.get(_key(request, scope)) or 0) >= limit
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable scope=%s error=%s", scope, type(exc).__name__)
        return False


def attempt_record(request, *, scope: str, window: int) -> int:
    """Count one more attempt of `scope` for this address; return the new count."""
    key = _key(request, scope)
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            return 1
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("ratelimit_cache_unavailable scope=%s error=%s", scope, type(exc).__name__)
        return 0


def failed_links_exceeded(request) -> bool:
    """True when this address has failed too many survey links within the window."""
    limit = getattr(settings, "SURVEY_FAILED_LINK_LIMIT", DEFAULT_LIMIT)
    return limit_reached(request, scope="failed-links", limit=limit)


def failed_link_record(request) -> int:
    """Count one more failed survey link for this address; return the new count."""
    window = getattr(settings, "SURVEY_FAILED_LINK_WINDOW", DEFAULT_WINDOW_SECONDS)
    return attempt_record(request, scope="failed-links", window=window)


def review_submissions_exceeded(request) -> bool:
    """True when this address has sent too many reviews within the window."""
    limit = getattr(settings, "REVIEW_SUBMIT_LIMIT", DEFAULT_REVIEW_LIMIT)
    return limit_reached(request, scope="review-submissions", limit=limit)


def review_submission_record(request) -> int:
    """Count one more review (or honeypot hit) sent from this address."""
    window = getattr(settings, "REVIEW_SUBMIT_WINDOW", DEFAULT_REVIEW_WINDOW_SECONDS)
    return attempt_record(request, scope="review-submissions", window=window)
