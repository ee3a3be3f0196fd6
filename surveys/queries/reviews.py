"""Reads of citizen reviews: the public list of a centre, the moderation queue, the
referents' list."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from centres.models import Centre

from ..enums import ReviewState
from ..models import REVIEW_ANSWER_DAYS, Review

# What a public page may show of a published review (and of the action it led to).
PUBLIC_REVIEW_FIELDS = (
    "id",
    "centre_id",
    "state",
    "experience",
    "feeling",
    "channel",
    "is_masked",
    "published_at",
    "reply",
    "replied_at",
    "action",
    "action__title",
    "action__status",
    "action__is_published",
)


def published_reviews(*, centre: Centre) -> QuerySet[Review]:
    """A centre's published citizen reviews with their public replies, newest first.

    For public pages: pending and rejected reviews never appear, and a masked review only
    ever has its masked text (the original is not kept). Only displayable fields are read."""
    return (
        Review.objects.filter(centre=centre, state=ReviewState.PUBLISHED)
        .select_related("action")
        .only(*PUBLIC_REVIEW_FIELDS)
        .order_by("-published_at", "-id")
    )


def published_reviews_count() -> int:
    """How many citizen reviews the programme publishes (the home page's figure)."""
    return Review.objects.filter(state=ReviewState.PUBLISHED).count()


TO_ANSWER, LATE, ANSWERED = "to_answer", "late", "answered"


def moderation_queue(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Pending reviews first, oldest first (a queue); then the moderated ones, latest first."""
    pending = Q(state=ReviewState.PENDING)
    return (
        reviews.select_related("centre", "moderated_by")
        .annotate(
            done=Case(When(pending, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by(
            "done",
            Case(When(pending, then=F("submitted_at"))).asc(),
            F("moderated_at").desc(nulls_last=True),
            "-id",
        )
    )


def reviews_to_follow(reviews: QuerySet[Review], *, status: str, now: datetime) -> QuerySet[Review]:
    """Published reviews for the referents' list: unanswered first, the nearest deadline first,
    then the answered ones, latest first; `status` narrows to those to answer, late or answered."""
    unanswered = Q(replied_at__isnull=True)
    if status == TO_ANSWER:
        reviews = reviews.filter(unanswered)
    elif status == LATE:
        reviews = reviews.filter(
            unanswered, published_at__lt=now - timedelta(days=REVIEW_ANSWER_DAYS)
        )
    elif status == ANSWERED:
        reviews = reviews.filter(replied_at__isnull=False)
    return (
        reviews.select_related("centre")
        .annotate(
            answered=Case(
                When(unanswered, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by(
            "answered",
            Case(When(unanswered, then=F("published_at"))).asc(),
            "-published_at",
            "-id",
        )
    )
