"""Factories of citizen reviews, and data builders (functions of `world`) for browser screens."""

import datetime

import factory
from factory.django import DjangoModelFactory

from centres.models import Centre
from surveys.enums import RejectionReason, ReviewChannel, ReviewFeeling, ReviewState
from surveys.models import Review

NOW = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=datetime.UTC)


def ago(days: float = 0, hours: float = 0) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days, hours=hours)


def lille() -> Centre:
    return Centre.objects.get(code="lille")


class ReviewFactory(DjangoModelFactory):
    """A review of Lille, pending moderation; traits for the other states."""

    class Meta:
        model = Review

    centre = factory.LazyFunction(lille)
    experience = factory.Sequence(lambda n: f"Appel numéro {n} : conseiller aimable et précis.")
    feeling = ReviewFeeling.POSITIVE
    channel = ReviewChannel.PHONE
    submitted_at = factory.LazyAttribute(
        lambda o: (o.published_at or NOW) - datetime.timedelta(hours=3)
    )
    published_at = None

    class Params:
        published = factory.Trait(
            state=ReviewState.PUBLISHED,
            published_at=factory.LazyFunction(lambda: NOW),
            moderated_at=factory.SelfAttribute("published_at"),
        )
        rejected = factory.Trait(
            state=ReviewState.REJECTED,
            rejection_reason=RejectionReason.INSULT,
            moderated_at=factory.LazyFunction(lambda: NOW),
        )


def published(days_ago: float = 0, *, replied_after: float | None = None, **kwargs) -> Review:
    """A review published `days_ago` days before NOW, answered `replied_after` days later."""
    published_at = ago(days_ago)
    extra = {}
    if replied_after is not None:
        extra = {
            "reply": "Merci pour votre retour, nous avons revu nos consignes.",
            "replied_at": published_at + datetime.timedelta(days=replied_after),
        }
    return ReviewFactory(published=True, published_at=published_at, **extra, **kwargs)


# --- Builders for tests/browser/test_accessibility.py (they take its `world`) ----------------

PENDING_TEXT = "Attente très longue au téléphone, mais la conseillère a réglé mon problème."


def pending_review(world=None) -> dict:
    """URL kwargs of a pending review of Lille (idempotent)."""
    review = Review.objects.filter(experience=PENDING_TEXT, state=ReviewState.PENDING).first()
    review = review or ReviewFactory(experience=PENDING_TEXT)
    return {"pk": review.pk}


def published_review(world=None) -> dict:
    """URL kwargs of a published, unanswered review of Lille (idempotent)."""
    text = "Rappel promis sous 48 heures, reçu le lendemain. Merci."
    review = Review.objects.filter(experience=text).first() or ReviewFactory(
        published=True, published_at=datetime.datetime.now(datetime.UTC), experience=text
    )
    return {"pk": review.pk}


def lille_with_reviews(world=None) -> dict:
    """URL kwargs of Lille once it has reviews in every state (idempotent)."""
    from django.utils import timezone

    if not Review.objects.filter(centre__code="lille", reply__startswith="Bonjour").exists():
        now = timezone.now()
        for days, reply_after in ((20, 2), (12, None), (9, 8), (2, None)):
            ReviewFactory(
                published=True,
                published_at=now - datetime.timedelta(days=days),
                reply="Bonjour, merci pour votre avis." if reply_after else "",
                replied_at=now - datetime.timedelta(days=days - reply_after)
                if reply_after
                else None,
            )
        ReviewFactory(
            published=True, published_at=now, is_masked=True, experience="[masqué] m'a bien aidé."
        )
        ReviewFactory(rejected=True)
        pending_review()
    return {"code": "lille"}


def reviews_in_scope(world=None) -> dict:
    """No URL kwargs: the staff lists, once Lille has reviews in every state."""
    lille_with_reviews(world)
    return {}
