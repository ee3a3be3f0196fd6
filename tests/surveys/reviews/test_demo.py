"""The demo seeds reviews in every state for several centres, once."""

import pytest

from centres.demo import demo_users_seed, improvement_seed
from surveys.demo.reviews import reviews_demo_seed
from surveys.enums import ReviewState
from surveys.models import Review
from surveys.queries.results import review_answer_rate
from surveys.services.reviews import review_clock_step

from .factories import NOW

pytestmark = pytest.mark.django_db


def test_the_demo_has_reviews_in_every_state_and_is_idempotent(organisation):
    demo_users_seed(password=None)
    improvement_seed(today=NOW.date())
    count = reviews_demo_seed(structure=organisation, now=NOW)
    assert reviews_demo_seed(structure=organisation, now=NOW) == 0
    assert Review.objects.count() == count and count > 40
    published = Review.objects.filter(state=ReviewState.PUBLISHED)
    assert Review.objects.filter(state=ReviewState.PENDING).exists()
    assert Review.objects.filter(state=ReviewState.REJECTED, experience="").exists()
    assert published.filter(is_masked=True).exists()
    late = [r for r in published if r.is_late(NOW)]
    in_time = [r for r in published if r.replied_at and r.answered_in_time()]
    open_week = [r for r in published if r.days_left(NOW) is not None and r.days_left(NOW) >= 0]
    assert late and in_time and open_week
    assert published.filter(replied_at__isnull=False, breached_at__isnull=False).exists()
    assert all(review_clock_step(r, NOW) is None for r in published)  # bookkeeping is current
    lille = organisation.centres.get(code="lille")
    assert 0 < review_answer_rate(centre_ids=[lille.pk], now=NOW).satisfaction_rate < 1
