"""A citizen answers a survey in Chromium from a link printed by issue_invitations."""

import io

from django.core.management import call_command

from surveys.models import Response

from ..surveys.worlds import agent_results, campaign_of
from .conftest import axe_check, browser_test, force_login


@browser_test
def test_a_citizen_answers_from_a_printed_link_on_a_phone(
    browser, live_server, users, settings, shot
):
    settings.SITE_URL = live_server.url
    campaign_of("usager-telephone", "usagers-test")
    out = io.StringIO()
    call_command(
        "issue_invitations",
        "--campaign",
        "usagers-test",
        "--count",
        "1",
        stdout=out,
        stderr=io.StringIO(),
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(out.getvalue().strip())
        for legend in ["accueil", "facilité", "aide apportée", "clarté", "Globalement"]:
            group = page.get_by_role("group").filter(has_text=legend)
            group.get_by_text("Très satisfait(e)").click()
        page.get_by_label("Souhaitez-vous ajouter un commentaire").fill("Merci !")
        shot(page, "filled on a phone")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()
        axe_check(page, "thank-you page")
        assert Response.objects.count() == 1
        page.go_back()
        page.reload()
        assert "Vous avez déjà répondu" in page.content()
    finally:
        context.close()


@browser_test
def test_agent_results_page_hides_small_groups_accessibly(page, users, shot):
    from centres.enums import Role

    agent_results(None)
    force_login(page, users[Role.DITP_ADMIN])
    page.goto("/enquetes/resultats/?campaign=agents-test")
    shot(page, "agent results")
    assert "Non affiché" in page.content()
    axe_check(page, "agent results")
