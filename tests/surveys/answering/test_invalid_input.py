"""Every invalid answer gives a French error on the page (HTTP 400) and stores nothing."""

import pytest
from django.urls import reverse

from surveys.models import Ballot, DailyRollup, Invitation, Response

from ..conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db

CASES = {
    "missing answer": ({"q_e1": None}, "Veuillez répondre à cette question."),
    "empty answer": ({"q_overall": ""}, "Veuillez répondre à cette question."),
    "out of range": ({"q_e2": "11"}, "Choisissez l&#x27;une des réponses proposées."),
    "unknown option": ({"q_e3": "excellent"}, "Choisissez l&#x27;une des réponses proposées."),
    "oversized comment": ({"q_comment": "x" * 2001}, "Votre commentaire est trop long"),
    "NUL byte in a comment": ({"q_comment": "bon\x00jour"}, "caractères non autorisés"),
    "NUL byte in an option": ({"q_e1": "very\x00"}, "Choisissez l&#x27;une des réponses"),
    "duplicate field": ({"q_e5": ["very", "rather"]}, "Donnez une seule réponse à cette question."),
}


@pytest.mark.parametrize("change, message", CASES.values(), ids=CASES.keys())
def test_invalid_input_gives_a_french_error_and_stores_nothing(
    client, citizen_campaign, issue, change, message
):
    token = issue(citizen_campaign)[0]
    data = {k: v for k, v in {**GOOD_ANSWERS, **change}.items() if v is not None}
    response = client.post(reverse("surveys:answer", kwargs={"token": token}), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "Certaines réponses demandent votre attention" in html
    assert not Ballot.objects.exists() and not Response.objects.exists()
    assert not DailyRollup.objects.exists()
    assert not Invitation.objects.get().used


def test_an_optional_comment_may_stay_empty(client, citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    data = {k: v for k, v in GOOD_ANSWERS.items() if k != "q_comment"}
    response = client.post(reverse("surveys:answer", kwargs={"token": token}), data)
    assert response.status_code == 302 and Ballot.objects.count() == 1


def test_a_huge_request_body_is_refused_without_a_server_error(client, citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    data = {**GOOD_ANSWERS, "q_comment": "x" * 3_000_000}
    response = client.post(reverse("surveys:answer", kwargs={"token": token}), data)
    assert response.status_code == 400 and not Ballot.objects.exists()
