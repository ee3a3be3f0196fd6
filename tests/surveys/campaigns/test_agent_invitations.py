"""Agents get their links by e-mail, a reminder if they have not answered, and their addresses
are deleted when the campaign closes."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from centres.enums import Role
from surveys.models import AgentContact, Invitation
from surveys.services.campaigns import agent_contacts_purge

from ..conftest import a_day

pytestmark = pytest.mark.django_db


def page(slug="agents-test"):
    return reverse("surveys:agent_contacts", kwargs={"slug": slug})


def link_in(message) -> str:
    return (
        re.search(r"http\S+/s/[\w-]+", message.body)
        .group(0)
        .split("://", 1)[1][len("127.0.0.1:8000") :]
    )


@pytest.fixture
def admin_client(client, users, django_capture_on_commit_callbacks):
    """A DITP administrator whose requests run their after-commit tasks (eager Celery)."""
    client.force_login(users[Role.DITP_ADMIN])

    class Running:
        def get(self, *args, **kwargs):
            return client.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    return Running()


def test_addresses_are_imported_then_each_agent_gets_one_link(admin_client, agent_campaign):
    emails = "a@dgfip.example\nB@dgfip.example; a@dgfip.example"
    admin_client.post(page(), {"action": "import", "centre": "lille", "emails": emails})
    assert AgentContact.objects.count() == 2
    admin_client.post(page(), {"action": "invite"})
    admin_client.post(page(), {"action": "invite"})  # idempotent
    assert len(mail.outbox) == 2 and Invitation.objects.count() == 2
    assert admin_client.get(link_in(mail.outbox[0])).status_code == 200


def test_a_reminder_goes_only_to_agents_who_have_not_answered(client, admin_client, agent_campaign):
    admin_client.post(
        page(), {"action": "import", "centre": "lens", "emails": "x@dgfip.example\ny@dgfip.example"}
    )
    admin_client.post(page(), {"action": "invite"})
    first = link_in(mail.outbox[0])
    client.post(first, {"q_involvement": "very"})
    mail.outbox.clear()
    admin_client.post(page(), {"action": "remind"})
    assert len(mail.outbox) == 1 and "Rappel" in mail.outbox[0].subject
    assert admin_client.get(link_in(mail.outbox[0])).status_code == 200


def test_invalid_addresses_are_refused_in_french(admin_client, agent_campaign):
    response = admin_client.post(
        page(),
        {"action": "import", "centre": "lille", "emails": "ok@dgfip.example\nnot-an-address"},
    )
    assert response.status_code == 400
    assert "Ces lignes ne sont pas des adresses électroniques valides : 2." in (
        response.content.decode()
    )
    assert not AgentContact.objects.exists()


def test_a_referent_cannot_import_for_another_centre(client, users, agent_campaign):
    client.force_login(users[Role.REFERENT])
    response = client.post(
        page(), {"action": "import", "centre": "lens", "emails": "z@dgfip.example"}
    )
    assert response.status_code == 400 and not AgentContact.objects.exists()


def test_a_citizen_campaign_has_no_agent_invitation_page(admin_client, citizen_campaign):
    assert admin_client.get(page("usagers-test")).status_code == 404


def test_addresses_are_deleted_once_the_campaign_has_closed(admin_client, agent_campaign):
    admin_client.post(page(), {"action": "import", "centre": "lille", "emails": "q@x.example"})
    assert agent_contacts_purge(today=a_day()) == 0
    agent_campaign.closes_on = a_day(-1)
    agent_campaign.save(update_fields=["closes_on"])
    assert agent_contacts_purge(today=a_day()) == 1
    assert not AgentContact.objects.exists()
    assert agent_campaign.opens_on < a_day() - timedelta(days=1)
