"""No proposal or decision while a campaign of the evaluated period still runs."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import Centre
from labelling import services
from labelling.enums import ApplicationStatus as S
from labelling.models import Decision, Proposal
from surveys.defaults import AGENT_CODE, default_questionnaires_seed
from surveys.models import Question, Questionnaire
from surveys.services.campaigns import campaign_close_early, campaign_create

from .conftest import drive

pytestmark = pytest.mark.django_db


def _running_agent_campaign(opens_on=date(2025, 5, 1)):
    """An agent campaign that opened in the evaluated period and closes in ten days."""
    default_questionnaires_seed(Questionnaire, Question)
    return campaign_create(
        slug="agents-2025-tardive",
        name="Agents 2025 (relance)",
        questionnaire=Questionnaire.objects.get(code=AGENT_CODE, version=1),
        centres=Centre.objects.filter(structure__code="dgfip-pap"),
        channel="email",
        opens_on=opens_on,
        closes_on=timezone.localdate() + timedelta(days=10),
    )


def _propose(application, users):
    return services.proposal_make(
        application_id=application.pk,
        outcome="refused",
        motivation="Vu.",
        by=users[Role.AUDITOR],
    )


def test_a_proposal_is_refused_while_a_campaign_of_the_period_runs(application, users):
    drive(application, users, "audited")
    _running_agent_campaign()
    with pytest.raises(services.LabelError, match="« Agents 2025 \\(relance\\) »"):
        _propose(application, users)
    assert not Proposal.objects.exists()


def test_a_decision_is_refused_while_a_campaign_of_the_period_runs(client, application, users):
    drive(application, users, "proposed")
    campaign = _running_agent_campaign()
    client.force_login(users[Role.DECIDER])
    url = reverse("labelling:application_action", kwargs={"pk": application.pk, "action": "decide"})
    response = client.post(url, {"outcome": "refused", "motivation": "Motivation tapée."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Agents 2025 (relance)" in page and "encore" in page
    assert "Motivation tapée." in page
    assert not Decision.objects.exists()
    # Closed early today, its links still answer until midnight: tomorrow the step is possible.
    campaign_close_early(campaign=campaign, today=timezone.localdate())
    assert client.post(url, {"outcome": "refused", "motivation": "Vu."}).status_code == 409
    campaign.closes_on = timezone.localdate() - timedelta(days=1)
    campaign.save(update_fields=["closes_on"])
    assert client.post(url, {"outcome": "refused", "motivation": "Vu."}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.DECIDED


def test_a_campaign_outside_the_evaluated_period_does_not_block(application, users):
    drive(application, users, "audited")
    _running_agent_campaign(opens_on=timezone.localdate())
    assert _propose(application, users).outcome == "refused"


def test_a_proposal_waits_until_the_ballot_box_of_the_period_is_empty(application, users):
    """A closed campaign whose last sheets still wait for the mixer is not final either."""
    from surveys.models import Ballot
    from surveys.services.ballot import ballots_mix

    drive(application, users, "audited")
    campaign = _running_agent_campaign()
    campaign.closes_on = timezone.localdate() - timedelta(days=1)
    campaign.save(update_fields=["closes_on"])
    lille = Centre.objects.get(code="lille")
    Ballot.objects.bulk_create(
        Ballot(campaign=campaign, centre=lille, sheet="[]") for _ in range(2)
    )
    with pytest.raises(services.LabelError, match="en attente de dépouillement"):
        _propose(application, users)
    assert not Proposal.objects.exists()
    ballots_mix()  # closed: fewer than k left for the centre are destroyed unread
    assert not Ballot.objects.exists()
    assert _propose(application, users).outcome == "refused"
