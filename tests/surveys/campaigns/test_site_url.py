"""In development, links follow the server that served the request: `make run PORT=8201`
wrote every link for port 8000. In production the explicit SITE_URL stays (checked at start-up:
tests/test_operations.py)."""

import csv
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from centres.enums import Role
from centres.site import site_url

pytestmark = pytest.mark.django_db

SERVED = {"HTTP_HOST": "127.0.0.1:8201"}


@pytest.fixture
def admin(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    return client


def issued_links(admin, campaign) -> list[str]:
    url = reverse("surveys:campaign_links", kwargs={"slug": campaign.slug})
    response = admin.post(url, {"count": 2, "centre": "*"}, **SERVED)
    return [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]


def test_development_links_follow_the_served_port(admin, settings, citizen_campaign):
    settings.SITE_URL_FROM_REQUEST = True
    links = issued_links(admin, citizen_campaign)
    assert links and all(link.startswith("http://127.0.0.1:8201/s/") for link in links)
    # After the request (a task run on commit): the server last reached.
    assert site_url() == "http://127.0.0.1:8201"


def test_the_agent_invitation_follows_the_served_port(
    admin, settings, agent_campaign, django_capture_on_commit_callbacks
):
    settings.SITE_URL_FROM_REQUEST = True
    page = reverse("surveys:agent_contacts", kwargs={"slug": agent_campaign.slug})
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(page, {"action": "import", "centre": "lille", "emails": "a@x.example"}, **SERVED)
        admin.post(page, {"action": "invite"}, **SERVED)
    [message] = mail.outbox
    assert re.search(r"http://127\.0\.0\.1:8201/s/[\w-]+", message.body)


def test_without_the_development_switch_the_setting_is_used(admin, settings, citizen_campaign):
    settings.SITE_URL_FROM_REQUEST = False
    settings.SITE_URL = "https://label.example.gouv.fr"
    links = issued_links(admin, citizen_campaign)
    assert all(link.startswith("https://label.example.gouv.fr/s/") for link in links)
    assert site_url() == "https://label.example.gouv.fr"
