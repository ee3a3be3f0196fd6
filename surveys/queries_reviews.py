"""Reads of the citizen-review pages for moderators and referents (already scoped querysets)."""

from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from .enums import ReviewState
from .models import REVIEW_ANSWER_DAYS, Review

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
