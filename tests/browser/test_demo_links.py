"""A newcomer answers the open demo campaigns in Chromium from the links `make run` prints
(the demo had no open campaign: nobody could answer a survey without creating one)."""

import io
import re

from django.core.management import call_command

from surveys.demo.campaigns import OPEN_AGENT_SLUG, OPEN_CITIZEN_SLUG
from surveys.models import Ballot, Campaign, Invitation, Response

from .conftest import axe_check, browser_test

LINK = re.compile(r"^\s+(?P<slug>[\w-]+)\s+(?P<url>https?://\S+/s/[\w-]+)$", re.M)


def printed_links(settings, live_server) -> dict[str, str]:
    """Run the demo as `make run` does (development, SITE_URL from its host and port)."""
    settings.DEBUG = True  # the demo prints its accounts and links in development only
    settings.SITE_URL = live_server.url
    # Transactional browser tests empty every table, migrations' data included.
    from surveys.defaults import default_questionnaires_seed
    from surveys.models import Question, Questionnaire
    from tests.labelling.conftest import ensure_default_referential

    ensure_default_referential()
    default_questionnaires_seed(Questionnaire, Question)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return {m["slug"]: m["url"] for m in LINK.finditer(out.getvalue())}


@browser_test
def test_a_newcomer_answers_both_open_demo_campaigns_from_the_printed_links(
    page, live_server, settings, shot
):
    links = printed_links(settings, live_server)
    assert set(links) == {OPEN_CITIZEN_SLUG, OPEN_AGENT_SLUG}
    assert all(url.startswith(live_server.url) for url in links.values())

    page.goto(links[OPEN_CITIZEN_SLUG])
    assert "Vous avez récemment contacté" in page.content()
    for legend in ["accueil", "facilité", "aide apportée", "clarté", "Globalement"]:
        group = page.get_by_role("group").filter(has_text=legend)
        group.get_by_text("Très satisfait(e)").click()
    shot(page, "open citizen campaign filled")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()

    page.goto(links[OPEN_AGENT_SLUG])
    assert page.get_by_role("heading", name="Votre avis sur la démarche").is_visible()
    group = page.get_by_role("group").filter(has_text="partie prenante")
    group.get_by_text("Tout à fait d'accord").click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    axe_check(page, "agent thank-you page")
    assert "démarche d'amélioration continue" in page.locator("main").inner_text()

    for slug in (OPEN_CITIZEN_SLUG, OPEN_AGENT_SLUG):
        campaign = Campaign.objects.get(slug=slug)
        # One sheet each, counted or still sealed in the ballot box (issue 12's mixer).
        sheets = Response.objects.filter(campaign=campaign).count()
        assert sheets + Ballot.objects.filter(campaign=campaign).count() == 1
        assert Invitation.objects.filter(campaign=campaign, used=True).count() == 1
