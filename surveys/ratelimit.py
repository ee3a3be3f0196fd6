"""The surveys' rate limits: failed survey links per address, reviews per address and centre.

The counting, the fail-open behaviour and the client's address behind the trusted proxies are
`centres.ratelimit`'s (one TRUSTED_PROXY_COUNT setting, shared with django-axes)."""

from django.conf import settings

from centres.ratelimit import attempt_record, limit_reached


def failed_links_exceeded(request) -> bool:
    """True when this address has failed too many survey links within the window."""
    return limit_reached(request, scope="failed-links", limit=settings.SURVEY_FAILED_LINK_LIMIT)


def failed_link_record(request) -> int:
    """Count one more failed survey link for this address; return the new count."""
    return attempt_record(request, scope="failed-links", window=settings.SURVEY_FAILED_LINK_WINDOW)


def review_submissions_exceeded(request, centre) -> bool:
    """True when this address has sent too many reviews of this centre within the window."""
    return limit_reached(
        request,
        scope="review-submissions",
        limit=settings.REVIEW_SUBMIT_LIMIT,
        discriminator=centre.code,
    )


def review_submission_record(request, centre) -> int:
    """Count one more review (or honeypot hit) of this centre sent from this address."""
    return attempt_record(
        request,
        scope="review-submissions",
        window=settings.REVIEW_SUBMIT_WINDOW,
        discriminator=centre.code,
    )
