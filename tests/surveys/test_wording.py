"""What people read on survey pages: an agent survey speaks to agents, a campaign's state reads
in French, a public page names its survey once."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role

from .results.test_results import add_counts

pytestmark = pytest.mark.django_db


def read(client, *args) -> str:
    """A page's text as read (entities such as &#x27; decoded)."""
    return unescape(client.get(*args).content.decode())


def test_a_closed_campaign_reads_terminee_not_close(client, users, citizen_campaign):
    """The badge (upper case in the DSFR) read « CLOSE »."""
    citizen_campaign.opens_on = timezone.localdate() - timedelta(days=60)
    citizen_campaign.closes_on = timezone.localdate() - timedelta(days=1)
    citizen_campaign.save(update_fields=["opens_on", "closes_on"])
    client.force_login(users[Role.DITP_ADMIN])
    html = read(client, reverse("surveys:campaign_list"))
    assert 'fr-badge--no-icon">terminée</p>' in html and ">close<" not in html


def test_an_agent_answers_a_page_written_for_agents(client, agent_campaign, issue):
    [token] = issue(agent_campaign, centre_code="lille")
    url = reverse("surveys:answer", kwargs={"token": token})
    html = read(client, url)
    assert "Vous avez récemment contacté" not in html
    assert "Cette enquête demande aux agents du service" in html
    assert "Votre avis sur la démarche d'amélioration continue" in html
    assert "Tout à fait d'accord" in html and "Très satisfait" not in html
    response = client.post(url, {"q_involvement": "very", "q_comment": ""})
    assert response.status_code == 302
    thanks = read(client, response.url)
    assert (
        "la démarche d'amélioration continue" in thanks and "Elles aident le service" not in thanks
    )


def test_a_citizen_keeps_the_citizens_introduction_and_thanks(client, citizen_campaign, issue):
    [token] = issue(citizen_campaign, centre_code="lille")
    html = read(client, reverse("surveys:answer", kwargs={"token": token}))
    assert "Vous avez récemment contacté" in html
    thanks = read(client, reverse("surveys:thanks"))
    assert "Elles aident le service à s'améliorer" in thanks


def test_agent_results_are_headed_agreement(client, users, agent_campaign):
    """The agreement scale was headed « Taux de satisfaction » and « Très satisfait(e) »."""
    for code in ("lille", "lens"):
        add_counts(agent_campaign, code, "involvement", {"very": 20, "rather": 10})
    client.force_login(users[Role.DITP_ADMIN])
    html = read(client, reverse("surveys:results"), {"campaign": "agents-test"})
    assert "Taux d'accord" in html and "Tout à fait d'accord" in html
    assert "Taux de satisfaction</th>" not in html and "Très satisfaits</th>" not in html
