"""Two more journeys: an agent answers the agent survey; a referent updates the action plan."""

import json

from django.urls import reverse

from centres.enums import Role
from centres.models import Action
from surveys.defaults import AGENT_CODE
from surveys.models import Ballot, Question
from surveys.services.campaigns import invitations_issue
from tests.centres.factories import action_with_history

from ..surveys.worlds import campaign_of
from .conftest import axe_check, browser_test, force_login


@browser_test
def test_an_agent_answers_the_agent_survey_anonymously(page, organisation, shot):
    campaign = campaign_of(AGENT_CODE, "agents-test")
    _centre, token = next(invitations_issue(campaign=campaign, count=1))
    page.goto(reverse("surveys:answer", kwargs={"token": token}))
    group = page.get_by_role("group").filter(has_text="partie prenante")
    group.get_by_text("Tout à fait d'accord").click()
    shot(page, "agent survey filled")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url(lambda url: reverse("surveys:thanks") in url)
    axe_check(page, "agent thank-you page")
    sealed = Ballot.objects.get(campaign=campaign)  # counted later, in a batch of k or more
    involvement = Question.objects.get(questionnaire=campaign.questionnaire, code="involvement")
    assert [involvement.pk, "very", ""] in json.loads(sealed.sheet)
    assert not hasattr(sealed, "invitation_id")


@browser_test
def test_a_referent_updates_the_progress_of_an_action(page, users, shot):
    kwargs = action_with_history()
    force_login(page, users[Role.REFERENT])
    page.goto(reverse("centres:action_edit", kwargs=kwargs))
    page.get_by_label("Avancement (%)").fill("80")
    shot(page, "progress changed")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: url.endswith(reverse("centres:action_detail", kwargs=kwargs)))
    axe_check(page, "action page after the update")
    assert Action.objects.get(pk=kwargs["pk"]).progress == 80
    assert "80" in page.locator("main").inner_text()
