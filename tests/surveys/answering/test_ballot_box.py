"""The ballot box and its mixer: batches of at least k per centre, the rule at the close,
one transaction per batch (all or nothing), idempotent, dates no finer than the results need."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre
from config.celery import app
from surveys.models import Answer, Ballot, Campaign, DailyRollup, Invitation, Response
from surveys.services.ballot import ballots_mix
from surveys.services.rollups import rollup_totals_differences, rollups_differences, rollups_seal

from ..conftest import GOOD_ANSWERS, after_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, users):
    from centres.enums import Role

    client.force_login(users[Role.DITP_ADMIN])
    return client


@pytest.fixture
def answer(issue):
    """answer(campaign, n, centre_code): n agents or citizens answer through the real page."""

    def submit(campaign, n: int, centre_code: str = "lille", data=None) -> None:
        for token in issue(campaign, n=n, centre_code=centre_code):
            url = reverse("surveys:answer", kwargs={"token": token})
            assert Client().post(url, data or GOOD_ANSWERS).status_code == 302

    return submit


AGENT_ANSWERS = {"q_involvement": "rather", "q_comment": ""}


def test_fewer_than_2k_sheets_of_a_centre_wait_in_the_box(citizen_campaign, answer):
    answer(citizen_campaign, 9)
    assert ballots_mix().mixed == 0
    assert Ballot.objects.count() == 9 and not Response.objects.exists()


def test_a_batch_counts_all_but_the_k_newest_and_a_second_run_changes_nothing(
    citizen_campaign, answer
):
    answer(citizen_campaign, 12)
    newest = set(Ballot.objects.order_by("-pk").values_list("pk", flat=True)[:5])
    assert ballots_mix().mixed == 7
    assert set(Ballot.objects.values_list("pk", flat=True)) == newest
    assert Response.objects.count() == 7 and Answer.objects.count() == 7 * 6
    assert ballots_mix().mixed == 0 and Response.objects.count() == 7  # idempotent
    assert rollups_differences() == []


def test_centres_are_mixed_apart(citizen_campaign, answer):
    answer(citizen_campaign, 6, "lille")
    answer(citizen_campaign, 6, "lens")
    assert ballots_mix().mixed == 0  # 12 sheets, but fewer than 2k in each centre
    answer(citizen_campaign, 4, "lille")
    report = ballots_mix()
    assert (report.batches, report.mixed) == (1, 5)
    assert set(Response.objects.values_list("centre__code", flat=True)) == {"lille"}


def test_a_batch_rewrites_every_link_claimed_since_the_previous_one(citizen_campaign, answer):
    answer(citizen_campaign, 10)
    assert Invitation.objects.filter(mix_pending=True).count() == 10
    ballots_mix()
    # The 5 sheets still waiting have their links rewritten too: no link stays pending.
    assert not Invitation.objects.filter(mix_pending=True).exists()
    assert Invitation.objects.filter(used=True).count() == 10


def test_after_the_close_k_or_more_are_counted_and_fewer_destroyed_unread(citizen_campaign, answer):
    answer(citizen_campaign, 7, "lille")
    answer(citizen_campaign, 3, "lens")
    report = ballots_mix(now=after_close(citizen_campaign))
    assert (report.mixed, report.discarded) == (7, 3)
    assert not Ballot.objects.exists() and not Invitation.objects.filter(mix_pending=True).exists()
    assert set(Response.objects.values_list("centre__code", "day")) == {
        ("lille", citizen_campaign.closes_on)  # counted after the close: the closing day
    }
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.ballots_discarded == 3


def test_no_batch_smaller_than_k_is_ever_written(citizen_campaign, answer):
    for n in (3, 4, 6, 2, 9, 1):
        answer(citizen_campaign, n)
        before = Response.objects.count()
        mixed = ballots_mix().mixed
        assert mixed == 0 or mixed >= 5
        assert Response.objects.count() - before == mixed
    final = ballots_mix(now=after_close(citizen_campaign)).mixed
    assert final >= 5 and Response.objects.count() == 25 and not Ballot.objects.exists()


def test_agent_responses_carry_the_campaign_not_a_day(agent_campaign, answer):
    answer(agent_campaign, 10, data=AGENT_ANSWERS)
    ballots_mix()
    assert set(Response.objects.values_list("day", flat=True)) == {agent_campaign.opens_on}
    assert set(DailyRollup.objects.values_list("day", flat=True)) == {agent_campaign.opens_on}


def test_counting_into_a_sealed_day_unseals_and_the_next_seal_agrees(agent_campaign, answer):
    answer(agent_campaign, 10, data=AGENT_ANSWERS)
    ballots_mix()
    today = timezone.localdate()
    assert rollups_seal(today=today) >= 1
    answer(agent_campaign, 5, data=AGENT_ANSWERS)
    ballots_mix()
    assert Campaign.objects.get(pk=agent_campaign.pk).rollups_sealed_through is None
    rollups_seal(today=today)
    assert rollup_totals_differences() == [] and rollups_differences() == []


def test_a_batch_that_fails_midway_leaves_every_sheet_in_the_box(citizen_campaign, answer):
    answer(citizen_campaign, 10)
    broken = Ballot.objects.order_by("pk").first()
    question_id = json.loads(broken.sheet)[0][0]
    broken.sheet = json.dumps([[question_id, None, ""]])  # NOT NULL: the answers' insert fails
    broken.save()
    with pytest.raises(IntegrityError):
        ballots_mix()
    assert Ballot.objects.count() == 10 and not Response.objects.exists()
    assert not Answer.objects.exists() and not DailyRollup.objects.exists()
    assert Invitation.objects.filter(mix_pending=True).count() == 10


def test_in_embedded_mode_each_submission_queues_the_mixer(
    settings, citizen_campaign, answer, django_capture_on_commit_callbacks
):
    settings.SURVEY_MIX_ON_SUBMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        answer(citizen_campaign, 10)
    assert Response.objects.count() == 5 and Ballot.objects.count() == 5


def test_beat_runs_the_mixer_every_minute():
    entry = app.conf.beat_schedule["surveys-mix-ballots"]
    assert entry["task"] == "surveys.tasks.mix_ballots"
    assert entry["schedule"].minute == set(range(60))


def test_the_campaign_page_counts_the_sheets_awaiting_counting(admin, citizen_campaign, answer):
    answer(citizen_campaign, 12)
    ballots_mix()
    page = admin.get(reverse("surveys:campaign_detail", kwargs={"slug": citizen_campaign.slug}))
    assert "5 réponses en attente de dépouillement" in page.content.decode()


def test_a_sheet_waiting_after_the_links_expired_is_counted_not_lost(citizen_campaign, answer):
    answer(citizen_campaign, 5, "lille")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert ballots_mix().mixed == 0  # the campaign still runs: wait for the close
    assert ballots_mix(now=after_close(citizen_campaign)).mixed == 5
    assert Centre.objects.get(code="lille").pk in set(
        Response.objects.values_list("centre_id", flat=True)
    )


def test_the_command_counts_now_what_beat_would(citizen_campaign, answer):
    from io import StringIO

    from django.core.management import call_command

    answer(citizen_campaign, 10)
    out = StringIO()
    call_command("mix_ballots", stdout=out)
    assert "batches=1 sheets=5 discarded=0 waiting=5" in out.getvalue()
    assert Response.objects.count() == 5
