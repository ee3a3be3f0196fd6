"""Every e-mail kind, sent with an apostrophe and a « < » in its data: the subject and the plain
text read as typed, the HTML part escapes them.

They read « Centre de contact d&#x27;Amiens » and « plateforme d&#x27;assistance » before the
triplets were rendered by centres.mail (and the reset e-mail still did)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from centres.services.actions import action_reminder_send
from surveys.services.reviews import review_clock_advance

from ..centres.factories import TODAY, ActionFactory
from .reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

CENTRE = "Centre d'Amiens <nord>"
TITLE = "Rappeler l'usager si l'attente > 5 min et < 10 min"
ESCAPES = ("&#x27;", "&#39;", "&lt;", "&gt;", "&amp;", "&quot;")


@pytest.fixture
def lille(users):
    centre = Centre.objects.get(code="lille")
    centre.name = CENTRE
    centre.save(update_fields=["name"])
    return centre


def plain_and_html(message) -> tuple[str, str]:
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    return message.subject + "\n" + message.body, html


def assert_plain_as_typed(message, *typed: str) -> None:
    plain, html = plain_and_html(message)
    for text in typed:
        assert text in plain, (text, plain)
    assert not any(escape in plain for escape in ESCAPES), plain
    assert "&lt;" in html and "<nord>" not in html and "< 10" not in html


def test_the_overdue_action_reminder(lille):
    action = ActionFactory(centre=lille, title=TITLE, due_date=TODAY)
    assert action_reminder_send(action_id=action.pk, today=TODAY + datetime.timedelta(days=1))
    [message] = mail.outbox
    assert message.subject == f"Action en retard : {TITLE} ({CENTRE})"
    assert_plain_as_typed(message, CENTRE, TITLE, "responsable de l'action")


@pytest.mark.parametrize(("days", "step"), [(3, "day3"), (7, "breach")])
def test_the_review_reminder_and_breach(lille, days, step):
    review = ReviewFactory(centre=lille, published=True)
    now = review.published_at + datetime.timedelta(days=days)
    assert review_clock_advance(review_id=review.pk, now=now) == step
    assert mail.outbox
    for message in mail.outbox:
        assert CENTRE in message.subject
        assert_plain_as_typed(message, CENTRE, "d'usager")


def test_the_agent_invitation(client, users, agent_campaign, django_capture_on_commit_callbacks):
    agent_campaign.name = "Enquête agents d'Amiens <2026>"
    agent_campaign.save(update_fields=["name"])
    client.force_login(users[Role.DITP_ADMIN])
    page = reverse("surveys:agent_contacts", kwargs={"slug": agent_campaign.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "import", "centre": "lille", "emails": "a@dgfip.example"})
        client.post(page, {"action": "invite"})
    [message] = mail.outbox
    plain, html = plain_and_html(message)
    assert "« Enquête agents d'Amiens <2026> »" in plain and "&#x27;" not in plain
    assert "&lt;2026&gt;" in html and "<2026>" not in html


def test_the_password_reset(client, users):
    user = users[Role.REFERENT]
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    [message] = mail.outbox
    plain, html = plain_and_html(message)
    assert "Si vous n'êtes pas à l'origine de cette demande" in plain
    assert not any(escape in plain for escape in ESCAPES), plain
    assert "Services Publics+ : choisissez un nouveau mot de passe" == message.subject
    assert "/mot-de-passe/" in html
