"""A citizen answers a survey in Chromium from a link printed by issue_invitations."""

import io

from django.core.management import call_command
from django.urls import reverse

from surveys.models import Ballot

from ..surveys.worlds import agent_results, campaign_of, survey_link
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
        assert Ballot.objects.count() == 1  # sealed in the ballot box before the reply
        page.go_back()
        page.reload()
        assert "Vous avez déjà répondu" in page.content()
    finally:
        context.close()


RADIO_FOCUS_IS_VISIBLE = """() => {
    const input = document.activeElement;
    const mark = getComputedStyle(input.labels[0], '::before');
    return input.type === 'radio' && input.matches(':focus-visible')
        && mark.outlineStyle !== 'none' && parseFloat(mark.outlineWidth) >= 1;
}"""


@browser_test
def test_a_citizen_answers_with_the_keyboard_only(page, organisation, shot):
    token = survey_link(organisation)["token"]
    page.goto(reverse("surveys:answer", kwargs={"token": token}))
    page.locator("#id_q_e1_0").focus()
    for question in ["q_e1", "q_e2", "q_e3", "q_e5", "q_overall"]:
        page.keyboard.press("ArrowDown")  # moves to, and checks, the second option
        assert page.evaluate(RADIO_FOCUS_IS_VISIBLE), f"no visible focus in {question}"
        assert page.locator(f"#id_{question}_1").is_checked()
        page.keyboard.press("Tab")
    shot(page, "answered with the keyboard")
    page.keyboard.type("Merci")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: reverse("surveys:thanks") in url)
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()
    assert Ballot.objects.count() == 1


@browser_test
def test_agent_results_page_hides_small_groups_accessibly(page, users, shot):
    from centres.enums import Role

    agent_results(None)
    force_login(page, users[Role.DITP_ADMIN])
    page.goto("/enquetes/resultats/?campaign=agents-test")
    shot(page, "agent results")
    assert "Non affiché" in page.content()
    axe_check(page, "agent results")
