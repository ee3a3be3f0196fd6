"""The 7-day answer rate (surveys.results.review_answer_rate), on a hand-computed example."""

import datetime

import pytest

from surveys.queries.results import review_answer_rate

from .factories import NOW, ReviewFactory, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(organisation):
    """Lille, at NOW: 5 reviews counted, 3 of them answered in time."""
    published(20, replied_after=2)  # counted, in time
    published(15, replied_after=9)  # counted, late
    published(10)  # counted: its week is over without a reply
    published(3, replied_after=1)  # counted: answered (its week is still open)
    published(7, replied_after=7)  # counted, in time: answered at the very end of the week
    published(2)  # not counted: its week is still open
    ReviewFactory()  # pending: never counted
    ReviewFactory(rejected=True)  # rejected: never counted
    angers = organisation.centres.get(code="angers")
    published(20, centre=angers)  # another centre


def lille_rate(organisation, **period):
    centre_ids = [organisation.centres.get(code="lille").pk]
    return review_answer_rate(centre_ids=centre_ids, now=NOW, **period)


def test_the_rate_on_a_hand_computed_example(example, organisation):
    rate = lille_rate(organisation)
    assert (rate.satisfied, rate.n) == (3, 5)
    assert rate.satisfaction_rate == 0.6
    # Wilson 95 % for 3/5, by hand: (0.6 + z²/10 ± z·√(0.24/5 + z²/100)) / (1 + z²/5).
    assert rate.wilson_low == pytest.approx(0.2307, abs=1e-4)
    assert rate.wilson_high == pytest.approx(0.8824, abs=1e-4)
    assert rate.insufficient_sample


def test_one_second_late_is_late(organisation):
    late = published(10)
    late.reply, late.replied_at = "Réponse", late.deadline + datetime.timedelta(seconds=1)
    late.save()
    assert (lille_rate(organisation).satisfied, lille_rate(organisation).n) == (0, 1)


def test_the_period_is_read_on_the_day_of_publication(example, organisation):
    recent = lille_rate(organisation, start=(NOW - datetime.timedelta(days=3)).date())
    assert (recent.satisfied, recent.n) == (1, 1)
    older = lille_rate(organisation, end=(NOW - datetime.timedelta(days=11)).date())
    assert (older.satisfied, older.n) == (1, 2)


def test_several_centres_add_up_and_no_review_means_no_figure(example, organisation):
    both = [c.pk for c in organisation.centres.filter(code__in=["lille", "angers"])]
    rate = review_answer_rate(centre_ids=both, now=NOW)
    assert (rate.satisfied, rate.n) == (3, 6)
    empty = review_answer_rate(centre_ids=[organisation.centres.get(code="lens").pk], now=NOW)
    assert empty.n == 0 and empty.satisfaction_rate is None
