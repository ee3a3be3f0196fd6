"""Engagement 7 of the scorecard shows the 7-day answer rate of the structure's centres."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from labelling.scorecard import scorecard_build
from surveys.services.reviews import review_publish, review_reply, review_submit

from ..labelling.conftest import ensure_default_referential, make_application

pytestmark = pytest.mark.django_db


def published_on(day: datetime, *, replied_after_days: int | None = None, code="lille"):
    review = review_submit(
        centre=Centre.objects.get(code=code),
        experience="Mon expérience.",
        feeling="neutral",
        channel="phone",
        now=day - timedelta(hours=1),
    )
    review = review_publish(review=review, by=None, now=day)
    if replied_after_days is not None:
        review_reply(
            review=review, by=None, text="Réponse.", now=day + timedelta(days=replied_after_days)
        )


@pytest.fixture
def reviewed_application(users):
    """Survey period 1 Dec 2024 - 31 May 2025. In it: one review answered after 2 days, one
    after 19 days (late), one never; outside it: one more, answered in time (not counted).
    Hand-computed: 1 in time out of 3 = 33.3 %."""
    published_on(datetime(2025, 1, 10, 9, tzinfo=UTC), replied_after_days=2)
    published_on(datetime(2025, 3, 1, 9, tzinfo=UTC), replied_after_days=19, code="angers")
    published_on(datetime(2025, 4, 1, 9, tzinfo=UTC))
    published_on(datetime(2025, 7, 1, 9, tzinfo=UTC), replied_after_days=1)
    ensure_default_referential()
    return make_application(users)


def test_the_scorecard_carries_the_answer_rate_on_engagement_7_only(reviewed_application):
    card = scorecard_build(reviewed_application)
    assert card["review_answer_rate"]["n"] == 3
    assert card["review_answer_rate"]["text"] == "33,3\u202f%"
    rows = {row["number"]: row for row in card["engagements"]}
    assert rows[7]["review_answers"]["n"] == 3
    assert all(rows[n]["review_answers"] is None for n in rows if n != 7)


def test_the_answer_rate_sets_no_level_rule(reviewed_application):
    card = scorecard_build(reviewed_application)
    codes = {check["code"] for level in card["levels"] for check in level["checks"]}
    assert not any("review" in code for code in codes)


def test_the_scorecard_page_shows_the_rate_with_its_n(client, users, reviewed_application):
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:scorecard", kwargs={"pk": reviewed_application.pk})
    html = client.get(url).content.decode()
    assert "ayant reçu une réponse sous 7 jours : 33,3\u202f% (n = 3)" in html
