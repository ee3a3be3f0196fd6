"""The staff page of survey comments: masked text, scope, agents only in groups of k, and the
form that marks a name."""

import pytest
from django.urls import reverse

from centres.enums import Role
from surveys.models import MaskedName

from ...bad_input import check_form_resists_bad_input
from ..conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db

URL = reverse("surveys:survey_comments")


def _answer(client, campaign, issue, code, n, data):
    for token in issue(campaign, n=n, centre_code=code):
        assert (
            client.post(reverse("surveys:answer", kwargs={"token": token}), data).status_code == 302
        )


@pytest.fixture
def citizens(client, citizen_campaign, issue, count_all):
    comment = {**GOOD_ANSWERS, "q_comment": "Rappelez-moi au 06 12 34 56 78, Mme Martin."}
    _answer(client, citizen_campaign, issue, "lille", 5, comment)
    _answer(client, citizen_campaign, issue, "lens", 5, {**GOOD_ANSWERS, "q_comment": "Lens ok"})
    count_all(citizen_campaign)
    return citizen_campaign


def test_a_referent_reads_their_centres_comments_masked(client, users, citizens):
    client.force_login(users[Role.REFERENT])
    html = client.get(URL).content.decode()
    assert html.count("Rappelez-moi au [téléphone masqué], Mme Martin.") == 5
    assert "06 12 34 56 78" not in html and "Lens ok" not in html


def test_marking_a_name_masks_it_on_the_page(client, users, citizens):
    client.force_login(users[Role.REFERENT])
    page = client.post(URL, {"centre": "lille", "name": "  Martin "}, follow=True)
    html = page.content.decode()
    assert "Le nom est masqué dans 5 commentaire(s)" in html
    assert "Martin" not in html and html.count("Mme [nom masqué].") == 5
    assert MaskedName.objects.get().name == "Martin"


def test_a_centre_outside_the_scope_cannot_be_marked(client, users, citizens):
    client.force_login(users[Role.REFERENT])
    response = client.post(URL, {"centre": "lens", "name": "Martin"})
    assert response.status_code == 400 and not MaskedName.objects.exists()
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_agent_comments_appear_only_from_k_answers_and_without_their_centre(
    client, users, settings, agent_campaign, issue, count_all
):
    data = {"q_involvement": "rather", "q_comment": "Manque de formation"}
    _answer(client, agent_campaign, issue, "lille", 5, data)
    count_all(agent_campaign)
    client.force_login(users[Role.REFERENT])
    html = client.get(URL).content.decode()
    assert html.count("Manque de formation") == 5 and "Non affiché (agents)" in html
    settings.SURVEY_K_ANONYMITY = 6  # the same 5 answers, now a group below k
    assert "Manque de formation" not in client.get(URL).content.decode()


def test_the_empty_page_says_so(client, users, organisation):
    client.force_login(users[Role.REFERENT])
    assert "Aucun commentaire pour l'instant" in client.get(URL).content.decode()


def test_the_name_form_resists_the_corpus(client, users, citizens):
    client.force_login(users[Role.REFERENT])
    check_form_resists_bad_input(
        client,
        URL,
        valid={"centre": "lille", "name": "Martin"},
    )


def test_a_name_found_in_no_comment_is_refused(client, users, citizens):
    client.force_login(users[Role.REFERENT])
    response = client.post(URL, {"centre": "lille", "name": "Dupond"})
    assert response.status_code == 400 and not MaskedName.objects.exists()
    assert "Aucun commentaire de ce centre ne contient ce nom" in response.content.decode()
