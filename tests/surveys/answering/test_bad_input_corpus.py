"""The project's bad-input corpus (tests/bad_input.py) against the public survey page."""

import pytest
from django.urls import reverse

from ...bad_input import check_form_resists_bad_input
from ..conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db

CHOICES = {k: v for k, v in GOOD_ANSWERS.items() if k != "q_comment"}


def test_the_survey_page_refuses_the_whole_corpus_in_its_answer_fields(
    client, citizen_campaign, issue
):
    url = reverse("surveys:answer", kwargs={"token": issue(citizen_campaign)[0]})
    check_form_resists_bad_input(client, url, valid=CHOICES)


def test_the_survey_comment_resists_the_corpus(client, citizen_campaign, issue):
    # Free text may be stored as a comment (once: the link is then used, and answers 409).
    url = reverse("surveys:answer", kwargs={"token": issue(citizen_campaign)[0]})
    check_form_resists_bad_input(
        client,
        url,
        valid={**CHOICES, "q_comment": "Très bon accueil."},
        may_accept=lambda field, payload: field == "q_comment",
    )
