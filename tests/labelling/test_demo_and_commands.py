"""The 2025 DGFiP demo application, the scorecard command and the scorecard on survey data."""

import json
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from centres.demo import demo_users_seed
from centres.enums import Role
from labelling.access import is_on_audit_team
from labelling.demo import AUDITED_CODES, label_demo_seed
from labelling.enums import CertificateStatus
from labelling.models import Application, Certificate, Finding
from labelling.scorecard import scorecard_build
from surveys.demo.campaigns import (
    AGENT_SLUG,
    CITIZEN_SLUG,
    OPEN_AGENT_SLUG,
    OPEN_CITIZEN_SLUG,
    surveys_demo_seed,
)
from surveys.models import Campaign, Invitation, Response

from .conftest import drive


@pytest.fixture
def dgfip_demo(organisation, referential, django_capture_on_commit_callbacks):
    demo_users_seed(password=None)
    surveys_demo_seed(structure=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        application = label_demo_seed()
    return application


def test_the_demo_reproduces_the_2025_dgfip_label_and_is_idempotent(dgfip_demo):
    decision = dgfip_demo.decisions.get()
    assert (decision.outcome, decision.decided_on) == ("argent", date(2025, 6, 26))
    assert not is_on_audit_team(decision.decided_by, dgfip_demo)
    audit = dgfip_demo.audits.get()
    assert sorted(audit.sites.values_list("centre__code", flat=True)) == sorted(AUDITED_CODES)
    assert (audit.start_date.year, audit.start_date.month) == (2025, 3)
    assert decision.certificate.status == CertificateStatus.READY
    assert label_demo_seed() == dgfip_demo
    assert Application.objects.count() == 1 and Certificate.objects.count() == 1


def test_the_demo_scorecard_gives_silver_from_the_published_figures(dgfip_demo, capsys):
    call_command("scorecard", "--application", str(dgfip_demo.pk), "--format", "json")
    card = json.loads(capsys.readouterr().out)
    assert card["result"] == "argent" and len(card["engagements"]) == 8
    assert card["citizen_overall"]["rate"] == 0.98
    assert card["agent_involvement"]["text"] == "77\u202f%"
    gold = next(level for level in card["levels"] if level["level"] == "or")
    assert "Or refusé : implication des agents à 77\u202f% < 85\u202f%" in [
        c["sentence"] for c in gold["checks"]
    ]


def test_the_scorecard_command_refuses_an_unknown_application(db):
    with pytest.raises(CommandError):
        call_command("scorecard", "--application", "999")


def test_the_scorecard_reads_citizen_and_agent_rates_through_surveys(
    application, users, organisation
):
    surveys_demo_seed(structure=organisation)
    drive(application, users, "audited")
    card = scorecard_build(application)
    assert card["citizen_overall"]["n"] == 4000 and card["agent_involvement"]["n"] == 600
    assert (
        card["engagements"][0]["citizen"]["n"] > 0
        and card["engagements"][0]["audit_conformity"] == 1.0
    )
    assert card["result"] == "argent"


def test_the_scorecard_shows_the_centres_self_assessments_for_context(application, users, lille):
    from centres.services.self_assessment import (
        EntryData,
        self_assessment_save,
        self_assessment_submit,
    )

    entries = {n: EntryData(maturity_level="established") for n in range(1, 9)}
    entries[3] = EntryData(maturity_level="emerging")
    self_assessment_save(centre=lille, cycle=2025, entries=entries, by=users[Role.REFERENT])
    self_assessment_submit(centre=lille, cycle=2025, by=users[Role.REFERENT])
    card = scorecard_build(application)
    assert card["self_assessed_centres"] == 1
    assert card["engagements"][2]["self_assessment"] == "Émergent 1"
    assert card["engagements"][0]["self_assessment"] == "Établi 1"


def test_what_if_another_version_shows_the_level_its_thresholds_would_give(
    application, users, organisation
):
    from labelling.services import level_rule_update, referential_version_create

    surveys_demo_seed(structure=organisation)
    drive(application, users, "audited")
    admin = users[Role.DITP_ADMIN]
    draft = referential_version_create(source_id=application.referential_id, name="2026", by=admin)
    gold = draft.level_rules.get(level="or")
    level_rule_update(rule_id=gold.pk, values={"min_agent_involvement": "0.75"}, by=admin)
    assert scorecard_build(application)["result"] == "argent"
    assert scorecard_build(application, referential=draft)["result"] == "or"


def test_the_demo_dates_add_up(dgfip_demo):
    """The 2025 findings read as written in 2026 (the day of the seed)."""
    decided = datetime.combine(date(2025, 6, 26), time.max, tzinfo=UTC)
    audit = dgfip_demo.audits.get()
    assert all(event.at <= decided for event in dgfip_demo.events.all())
    for finding in Finding.objects.filter(audit=audit):
        assert audit.start_date <= finding.created_at.date() <= audit.end_date
        assert finding.closed_at is None or finding.closed_at <= decided
    assert audit.closed_at.date() == audit.end_date
    events = list(dgfip_demo.events.order_by("at", "pk").values_list("at", flat=True))
    assert events == sorted(events)


def test_the_demo_links_issued_add_up_with_its_responses(dgfip_demo):
    """« Liens émis 0 » stood beside 4,000 responses."""
    for slug in (CITIZEN_SLUG, AGENT_SLUG):
        campaign = Campaign.objects.get(slug=slug)
        responses = Response.objects.filter(campaign=campaign).count()
        links = Invitation.objects.filter(campaign=campaign)
        assert links.filter(used=True).count() == responses
        assert links.count() > responses


def test_the_demo_has_an_open_citizen_and_an_open_agent_campaign(dgfip_demo):
    today = timezone.localdate()
    for slug, audience in ((OPEN_CITIZEN_SLUG, "citizen"), (OPEN_AGENT_SLUG, "agent")):
        campaign = Campaign.objects.get(slug=slug)
        assert campaign.opens_on <= today < campaign.closes_on
        assert campaign.questionnaire.audience == audience
