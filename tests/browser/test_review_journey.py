"""Citizen reviews in the browser: a citizen posts a review, the network's correspondent
publishes it with a phone number masked, Lille's referent answers it, and the public page shows
the answer and the updated 7-day answer rate."""

import datetime
import re

from django.utils import timezone

from centres.enums import Role
from surveys.models import Review
from tests.surveys.reviews.factories import ReviewFactory

from .conftest import BROWSER_MARKS, axe_check, login

pytestmark = BROWSER_MARKS

EXPERIENCE = (
    "J'ai été rappelé le lendemain comme promis. Mme Martin (06 11 22 33 44) a corrigé mon "
    "taux de prélèvement en cinq minutes."
)
MASKED = (
    "J'ai été rappelé le lendemain comme promis. [masqué] a corrigé mon taux de prélèvement "
    "en cinq minutes."
)
REPLY = "Merci pour ce retour : nous transmettons vos remerciements à l'équipe de rappel."


def test_a_review_is_posted_moderated_answered_and_shown_with_the_rate(browser, page, users, shot):
    # An earlier review, published ten days ago and never answered: the rate starts at 0 of 1.
    ReviewFactory(
        published=True,
        published_at=timezone.now() - datetime.timedelta(days=10),
        experience="Ligne saturée toute la matinée.",
    )
    page.goto("/avis/lille/")
    assert "(0 sur 1)" in page.locator("#answer-rate").inner_text()
    shot(page, "public reviews before")

    page.get_by_role("link", name="Donner mon avis").click()
    page.get_by_label("Votre expérience").fill(EXPERIENCE)
    page.get_by_role("group", name=re.compile("quel est votre ressenti")).get_by_text(
        "Expérience positive"
    ).click()
    page.get_by_role("group", name=re.compile("Comment avez-vous été en contact")).get_by_text(
        "Par téléphone"
    ).click()
    shot(page, "citizen fills the form")
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert page.get_by_role("heading", name="Merci pour votre avis").is_visible()
    assert "Il sera publié après modération" in page.locator("main").inner_text()
    shot(page, "thanks")
    assert Review.objects.get(experience=EXPERIENCE).state == "pending"

    login(page, users[Role.CORRESPONDENT])
    page.goto("/enquetes/avis/moderation/")
    assert "1 avis attend sa modération." in page.locator("main").inner_text()
    shot(page, "moderation queue")
    page.get_by_role("link", name=re.compile("^Modérer")).first.click()
    page.get_by_label("Texte à publier").fill(MASKED)
    shot(page, "moderator masks the phone number")
    page.get_by_role("button", name="Publier l'avis").click()
    assert page.get_by_text("L'avis est publié, ses données personnelles masquées.").is_visible()
    shot(page, "published")
    assert not Review.objects.filter(experience__contains="06 11").exists()

    page.context.clear_cookies()
    login(page, users[Role.REFERENT])
    page.goto("/enquetes/avis/")
    row = page.get_by_role("row").filter(has_text="[masqué]")
    assert "6 jours restants" in row.inner_text().lower()
    shot(page, "referent's list")
    row.get_by_role("link", name=re.compile("^Répondre")).click()
    page.get_by_label("Réponse publique du centre").fill(REPLY)
    shot(page, "referent writes the reply")
    page.get_by_role("button", name="Publier la réponse").click()
    assert page.get_by_text("La réponse est publiée sous l'avis.").is_visible()
    row = page.get_by_role("row").filter(has_text="[masqué]")
    assert "répondu dans les délais" in row.inner_text().lower()
    shot(page, "answered in time")

    # Another visitor (the public page may be cached for a minute by the first one's browser).
    visitor = browser.new_context(base_url=page.context.live_server_url, locale="fr-FR")
    try:
        public = visitor.new_page()
        public.goto("/avis/lille/")
        main = public.locator("main").inner_text()
        assert MASKED in main and REPLY in main and "06 11" not in main
        rate = public.locator("#answer-rate").inner_text()
        assert "50\u202f%" in rate and "(1 sur 2)" in rate
        axe_check(public, "public reviews after the reply")
        shot(public, "public reviews after")
    finally:
        visitor.close()


def test_the_too_many_reviews_page_is_french_and_accessible(page, organisation, settings, shot):
    settings.REVIEW_SUBMIT_LIMIT = 0
    # Reading the form never meets the limit: sending it does.
    assert page.goto("/avis/lille/donner-mon-avis/").status == 200
    page.get_by_label("Votre expérience").fill(EXPERIENCE)
    page.get_by_role("group", name=re.compile("quel est votre ressenti")).get_by_text(
        "Expérience positive"
    ).click()
    page.get_by_role("group", name=re.compile("Comment avez-vous été en contact")).get_by_text(
        "Par téléphone"
    ).click()
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Envoyer mon avis").click()
    assert sent.value.status == 429
    assert page.get_by_role("heading", name="Trop d'avis envoyés").is_visible()
    assert not Review.objects.exists()
    axe_check(page, "429 page of the review form")
    shot(page, "too many reviews")
