from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from centres.models import Centre
from surveys.defaults import AGENT_CODE, CITIZEN_CODE, default_questionnaires_seed
from surveys.models import Question, Questionnaire
from surveys.services.ballot import ballots_mix
from surveys.services.campaigns import campaign_create, invitations_issue


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The failed-link counters live in the cache: start and end each test with none."""
    cache.clear()
    yield
    cache.clear()


def _campaign(slug: str, code: str):
    default_questionnaires_seed(Questionnaire, Question)  # idempotent; also run by a migration
    today = timezone.localdate()
    return campaign_create(
        slug=slug,
        name=f"Campagne {slug}",
        questionnaire=Questionnaire.objects.get(code=code, version=1),
        centres=Centre.objects.filter(structure__code="dgfip-pap"),
        channel="phone",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
    )


@pytest.fixture
def citizen_campaign(organisation):
    return _campaign("usagers-test", CITIZEN_CODE)


@pytest.fixture
def agent_campaign(organisation):
    return _campaign("agents-test", AGENT_CODE)


@pytest.fixture
def issue():
    """issue(campaign, n=1, centre_code=None) -> list of tokens."""

    def issue_links(campaign, n: int = 1, centre_code: str | None = None) -> list[str]:
        centres = [Centre.objects.get(code=centre_code)] if centre_code else None
        pairs = invitations_issue(campaign=campaign, count=n, centres=centres)
        return [token for _centre, token in pairs]

    return issue_links


GOOD_ANSWERS = {
    "q_e1": "very",
    "q_e2": "rather",
    "q_e3": "very",
    "q_e5": "dont_know",
    "q_overall": "very",
    "q_comment": "Très bon accueil.",
}


@pytest.fixture
def good_answers():
    return dict(GOOD_ANSWERS)


def a_day(offset: int = 0) -> date:
    return timezone.localdate() + timedelta(days=offset)


def after_close(campaign):
    """A moment after the campaign's last link expired (the mixer's final rule applies)."""
    end = datetime.combine(campaign.closes_on + timedelta(days=1), time.min)
    return timezone.make_aware(end) + timedelta(minutes=1)


@pytest.fixture
def count_all():
    """count_all(campaign): the campaign closes yesterday (its links expire), then the mixer's
    run after the close counts every sheet left (k or more per centre, dated the closing day)
    and destroys the rest unread."""

    def run(campaign):
        yesterday = timezone.localdate() - timedelta(days=1)
        if campaign.closes_on > yesterday:
            campaign.closes_on = yesterday
            campaign.save(update_fields=["closes_on"])
        return ballots_mix(now=after_close(campaign), campaign_ids=[campaign.pk])

    return run
