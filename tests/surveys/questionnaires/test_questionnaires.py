"""Default questionnaires, freezing once in use, new versions on edit."""

import pytest
from django.urls import reverse

from centres.enums import Role
from surveys.defaults import AGENT_CODE, CITIZEN_CODE
from surveys.models import Question, Questionnaire
from surveys.services.questionnaires import questionnaire_new_version

pytestmark = pytest.mark.django_db


def test_the_default_citizen_questionnaire_tags_questions_with_engagements():
    questions = Question.objects.filter(questionnaire__code=CITIZEN_CODE)
    numbers = {q.engagement_number for q in questions if q.kind == "satisfaction_4"}
    assert numbers == {1, 2, 3, 5, None}
    assert questions.get(code="comment").required is False


def test_the_agent_questionnaire_has_its_headline_question():
    headline = Question.objects.get(questionnaire__code=AGENT_CODE, is_headline=True)
    assert headline.text_en == "I feel part of the continuous-improvement approach."
    assert headline.kind == "agreement_4"


def test_a_questionnaire_is_frozen_once_a_campaign_uses_it(citizen_campaign):
    assert citizen_campaign.questionnaire.is_frozen


def test_editing_a_frozen_questionnaire_makes_a_new_version(citizen_campaign):
    frozen = citizen_campaign.questionnaire
    copy = questionnaire_new_version(questionnaire=frozen)
    assert (copy.version, copy.is_frozen) == (2, False)
    assert copy.questions.count() == frozen.questions.count() == 6
    assert Questionnaire.objects.filter(code=CITIZEN_CODE).count() == 2


def test_the_admin_shows_a_frozen_questionnaire_read_only(client, users, citizen_campaign):
    client.force_login(users[Role.DITP_ADMIN])
    url = reverse("admin:surveys_questionnaire_change", args=[citizen_campaign.questionnaire.pk])
    html = client.get(url).content.decode()
    assert 'name="name"' not in html and 'name="questions-0-text_fr"' not in html
