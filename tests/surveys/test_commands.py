"""issue_invitations, reconcile_rollups and survey_results."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from surveys.models import CumulativeRollup, DailyRollup, Invitation, Response
from surveys.services.ballot import ballots_mix
from surveys.services.rollups import rollups_seal
from surveys.tokens import token_hash, token_is_well_formed

from .conftest import GOOD_ANSWERS, after_close

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_issue_invitations_prints_one_absolute_url_per_link(settings, citizen_campaign):
    settings.SITE_URL = "https://label.example.fr"
    lines = run("issue_invitations", "--campaign", "usagers-test", "--count", "25").splitlines()
    assert len(lines) == len(set(lines)) == 25
    assert all(line.startswith("https://label.example.fr/s/") for line in lines)
    assert Invitation.objects.count() == 25
    assert Invitation.objects.values("centre").distinct().count() == 20


def test_issue_invitations_writes_csv_for_one_centre(citizen_campaign):
    out = run(
        "issue_invitations",
        "--campaign",
        "usagers-test",
        "--centre",
        "lens",
        "--count",
        "3",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["centre"] for row in rows] == ["lens"] * 3
    assert not Invitation.objects.exclude(centre__code="lens").exists()


def test_issue_invitations_refuses_an_unknown_campaign(organisation):
    with pytest.raises(CommandError):
        run("issue_invitations", "--campaign", "nope", "--count", "1")


def test_a_printed_link_opens_the_survey(client, citizen_campaign):
    url = run("issue_invitations", "--campaign", "usagers-test", "--count", "1").strip()
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200


def test_each_printed_link_is_stored_as_the_hash_of_its_token_for_its_centre(citizen_campaign):
    out = run("issue_invitations", "--campaign", "usagers-test", "--count", "60", "--format", "csv")
    printed = {
        row["url"].rsplit("/", 1)[-1]: row["centre"] for row in csv.DictReader(io.StringIO(out))
    }
    stored = dict(Invitation.objects.values_list("token_hash", "centre__code"))
    assert len(printed) == len(stored) == 60
    assert all(len(token) == 22 and token_is_well_formed(token) for token in printed)
    assert {token_hash(token): centre for token, centre in printed.items()} == stored


def answer_some(client, campaign, issue, n=5):
    """n sheets of one centre, through the page; the campaign then closes (yesterday) and the
    mixer counts them all (dated the closing day)."""
    for token in issue(campaign, n=n, centre_code="lille"):
        client.post(reverse("surveys:answer", kwargs={"token": token}), GOOD_ANSWERS)
    campaign.closes_on = timezone.localdate() - timedelta(days=1)
    campaign.save(update_fields=["closes_on"])
    ballots_mix(now=after_close(campaign))


def test_reconcile_rollups_passes_on_consistent_counts(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue)
    assert "rollups_ok" in run("reconcile_rollups")


def test_reconcile_rollups_detects_a_tampered_rollup(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue)
    cell = DailyRollup.objects.filter(question__code="overall", value="very").first()
    DailyRollup.objects.filter(pk=cell.pk).update(count=cell.count + 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 rollup cell"):
        call_command("reconcile_rollups", stdout=out)
    assert f"question={cell.question_id}" in out.getvalue()


def test_reconcile_rollups_detects_a_tampered_running_total(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue)
    rollups_seal(today=timezone.localdate() + timedelta(days=70))
    assert "rollups_ok" in run("reconcile_rollups")
    cell = CumulativeRollup.objects.filter(question__code="e1", value="very").last()
    CumulativeRollup.objects.filter(pk=cell.pk).update(count=F("count") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 running-total cell"):
        call_command("reconcile_rollups", stdout=out)
    assert (
        "rollup_total_difference" in out.getvalue()
        and f"stored={cell.count + 1} expected={cell.count}" in out.getvalue()
    )


def test_reconcile_rollups_detects_a_missing_rollup(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue)
    DailyRollup.objects.filter(question__code="e2").delete()
    with pytest.raises(CommandError):
        run("reconcile_rollups", "--campaign", "usagers-test")


def test_survey_results_prints_the_figures_as_json(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue, n=6)
    payload = json.loads(run("survey_results", "--campaign", "usagers-test", "--format", "json"))
    by_key = {row["key"]: row for row in payload["by_engagement"]}
    assert set(by_key) == {"1", "2", "3", "5", "overall"}
    assert by_key["overall"]["n"] == 6 and by_key["overall"]["satisfaction_rate"] == 1.0
    assert by_key["5"]["n"] == 0 and by_key["5"]["dont_know"] == 6
    assert by_key["overall"]["insufficient_sample"] is True


def test_seal_rollups_seals_what_can_no_longer_change_once(client, citizen_campaign, issue):
    answer_some(client, citizen_campaign, issue)
    five_days_ago = timezone.localdate() - timedelta(days=5)
    Response.objects.update(day=five_days_ago)  # answered then, as their rollups say
    DailyRollup.objects.update(day=five_days_ago)
    through = timezone.localdate() - timedelta(days=2)
    assert run("seal_rollups") == f"rollups_sealed campaigns=1 through={through}\n"
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.rollups_sealed_through == through
    assert CumulativeRollup.objects.filter(day=through).exists()
    assert run("seal_rollups") == f"rollups_sealed campaigns=0 through={through}\n"
    assert "rollups_ok" in run("reconcile_rollups")
