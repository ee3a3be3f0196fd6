"""Data builders for the browser tests of survey pages: functions of `world` returning the
URL kwargs (they create what the page needs)."""

from datetime import timedelta

from django.utils import timezone

from centres.models import Centre
from surveys.defaults import AGENT_CODE, CITIZEN_CODE, default_questionnaires_seed
from surveys.models import Campaign, Question, Questionnaire
from surveys.services.campaigns import campaign_create, invitations_issue
from surveys.services.rollups import rollups_increment


def campaign_of(code: str, slug: str) -> Campaign:
    default_questionnaires_seed(Questionnaire, Question)
    existing = Campaign.objects.filter(slug=slug).first()
    if existing:
        return existing
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


def survey_link(world) -> dict:
    campaign = campaign_of(CITIZEN_CODE, "usagers-test")
    _centre, token = next(invitations_issue(campaign=campaign, count=1))
    return {"token": token}


def agent_survey_link(world) -> dict:
    """A link of an agent campaign: the agents' own introduction and questions."""
    campaign = campaign_of(AGENT_CODE, "agents-test")
    _centre, token = next(invitations_issue(campaign=campaign, count=1))
    return {"token": token}


def closed_campaign(world) -> dict:
    """A citizen campaign closed yesterday: no link-issuing form, a notice instead."""
    campaign = campaign_of(CITIZEN_CODE, "usagers-clos")
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    return {"slug": campaign.slug}


def _add(campaign, centre_code, question_code, counts):
    question = Question.objects.get(questionnaire=campaign.questionnaire, code=question_code)
    rollups_increment(
        campaign_id=campaign.pk,
        centre_id=Centre.objects.get(code=centre_code).pk,
        day=timezone.localdate() - timedelta(days=1),
        values=[(question.pk, value) for value in counts],
        counts=list(counts.values()),
    )


def citizen_results(world) -> dict:
    campaign = campaign_of(CITIZEN_CODE, "usagers-test")
    for code in ("e1", "e2", "overall"):
        _add(campaign, "lille", code, {"very": 84, "rather": 14, "rather_not": 2, "dont_know": 3})
    _add(campaign, "lens", "overall", {"very": 7, "rather_not": 1})
    return {}


def agent_campaign(world) -> dict:
    campaign = campaign_of(AGENT_CODE, "agents-test")
    _add(campaign, "lille", "involvement", {"very": 20, "rather": 11, "not_at_all": 9})
    _add(campaign, "angers", "involvement", {"very": 2})
    return {"slug": campaign.slug}


def agent_results(world) -> dict:
    agent_campaign(world)
    return {}
