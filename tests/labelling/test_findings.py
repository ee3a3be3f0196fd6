"""Following audit findings after the audit and closing them: the list, the close page, the
service's rules (lead auditor only, a note, once), the link to a centre's action, the scorecard."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import Action
from labelling import services
from labelling.enums import FindingKind
from labelling.models import ApplicationEvent, AuditCriterion, DecisionLogEntry, Finding
from labelling.scorecard import scorecard_build
from tests.centres.factories import ActionFactory
from tests.factories import CertificationBodyFactory, make_user

from ..bad_input import check_form_resists_bad_input
from .conftest import confirming_decider, drive, fill_grid, grade

KINDS = (FindingKind.MAJOR_NC, FindingKind.MINOR_NC, FindingKind.GOOD_PRACTICE)


def audited_with_findings(application, users, kinds=KINDS):
    """Drive the application through its audit, recording one finding of each kind."""
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    lead = users[Role.AUDITOR]
    criterion = AuditCriterion.objects.get(
        code="4.1", engagement__referential=application.referential
    )
    grade(audit, "4.1", lead)
    findings = [
        services.finding_add(
            audit_id=audit.pk,
            criterion_id=criterion.pk,
            kind=kind,
            description=f"Constat {kind}",
            site_id=audit.sites.first().pk,
            by=lead,
        )
        for kind in kinds
    ]
    fill_grid(audit, lead)
    services.audit_close(audit_id=audit.pk, conclusion="Fin de l'audit.", by=lead)
    return findings


def finding_by_team_member(application, users, member):
    """An open audit with `member` on its team, and a minor NC they recorded."""
    drive(application, users, "audit_planned", team=[member])
    criterion = AuditCriterion.objects.get(
        code="1.1", engagement__referential=application.referential
    )
    grade(application.audits.get(), "1.1", users[Role.AUDITOR])
    return services.finding_add(
        audit_id=application.audits.get().pk,
        criterion_id=criterion.pk,
        kind="minor_nc",
        description="x",
        by=member,
    )


def _close_url(finding):
    return reverse("labelling:finding_close", kwargs={"pk": finding.pk})


def _list_url(application):
    return reverse("labelling:finding_list", kwargs={"pk": application.pk})


def test_the_findings_page_lists_each_finding_with_its_status(
    client, application, users, django_assert_max_num_queries
):
    major, minor, good = audited_with_findings(application, users)
    services.finding_close(finding_id=minor.pk, note="Consigne rappelée.", by=users[Role.AUDITOR])
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(12):
        page = client.get(_list_url(application)).content.decode()
    assert "3 constats" in page and "Consigne rappelée." in page
    assert page.count("Ouvert</p>") == 2 and page.count("Clos</p>") == 1
    # Open first, the most serious first: major NC, good practice, then the closed minor NC.
    positions = [
        page.index(f"Constat {kind}") for kind in ("major_nc", "good_practice", "minor_nc")
    ]
    assert positions == sorted(positions)
    assert "!!MISSING" not in page


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "major_nc"}, ["Constat major_nc"]),
        ({"status": "closed"}, ["Constat minor_nc"]),
        ({"status": "open", "kind": "good_practice"}, ["Constat good_practice"]),
    ],
)
def test_the_findings_page_filters_by_kind_and_status(
    client, application, users, filters, expected
):
    findings = audited_with_findings(application, users)
    services.finding_close(finding_id=findings[1].pk, note="Vu.", by=users[Role.AUDITOR])
    client.force_login(users[Role.AUDITOR])
    page = client.get(_list_url(application), filters).content.decode()
    shown = [f"Constat {kind}" for kind in KINDS if f"Constat {kind}" in page]
    assert shown == expected


def test_an_unknown_filter_is_a_400_with_a_french_message(client, application, users):
    audited_with_findings(application, users)
    client.force_login(users[Role.AUDITOR])
    response = client.get(_list_url(application), {"kind": "<script>", "audit": "x"})
    assert response.status_code == 400
    assert "Ces filtres ne sont pas valides" in response.content.decode()


def test_without_findings_the_page_says_so(client, application, users):
    drive(application, users, "audited")
    client.force_login(users[Role.DECIDER])
    assert "Aucun constat pour l" in client.get(_list_url(application)).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.REFERENT, 200),
        (Role.DITP_ADMIN, 200),
        ("foreign_referent", 404),
        ("other_body_auditor", 404),
        ("no_role", 403),
    ],
)
def test_the_findings_page_follows_the_application_scope(
    client, application, users, foreign_centre, who, status
):
    audited_with_findings(application, users)
    people = {
        **users,
        "foreign_referent": make_user(Role.REFERENT, centre=foreign_centre),
        "other_body_auditor": make_user(
            Role.AUDITOR, certification_body=CertificationBodyFactory()
        ),
    }
    client.force_login(people[who])
    assert client.get(_list_url(application)).status_code == status


def test_the_lead_auditor_closes_a_finding_with_a_note_and_the_action_that_answered_it(
    client, application, users, lille
):
    major, *_ = audited_with_findings(application, users)
    action = ActionFactory(centre=lille, title="Publier les délais de réponse")
    client.force_login(users[Role.AUDITOR])
    form = client.get(_close_url(major)).content.decode()
    assert "Publier les délais de réponse" in form and "!!MISSING" not in form
    response = client.post(_close_url(major), {"note": "Délais publiés.", "action": action.pk})
    assert response.status_code == 302
    major.refresh_from_db()
    assert major.closed_at and major.closing_note == "Délais publiés."
    assert (major.action, major.closed_by) == (action, users[Role.AUDITOR])
    assert ApplicationEvent.objects.filter(note__contains="Délais publiés.").exists()


def test_closing_a_finding_is_not_a_decision_log_entry(application, users):
    major, *_ = audited_with_findings(application, users)
    before = DecisionLogEntry.objects.count()
    services.finding_close(finding_id=major.pk, note="Corrigé.", by=users[Role.AUDITOR])
    assert DecisionLogEntry.objects.count() == before


def test_closing_open_non_conformities_changes_the_scorecard(application, users):
    major, minor, _good = audited_with_findings(application, users)
    card = scorecard_build(application)
    assert (card["open_major_nc"], card["open_minor_nc"]) == (1, 1)
    argent = next(level for level in card["levels"] if level["level"] == "argent")
    major_check = next(c for c in argent["checks"] if c["code"] == "open_major_nc")
    assert not major_check["passed"] and "1 NC majeure ouverte" in major_check["sentence"]
    lead = users[Role.AUDITOR]
    services.finding_close(finding_id=major.pk, note="Corrigé.", by=lead)
    services.finding_close(finding_id=minor.pk, note="Corrigé.", by=lead)
    card = scorecard_build(application)
    assert (card["open_major_nc"], card["open_minor_nc"]) == (0, 0)
    argent = next(level for level in card["levels"] if level["level"] == "argent")
    assert next(c for c in argent["checks"] if c["code"] == "open_major_nc")["passed"]


def test_a_finding_cannot_be_closed_twice(client, application, users):
    major, *_ = audited_with_findings(application, users)
    lead = users[Role.AUDITOR]
    services.finding_close(finding_id=major.pk, note="Corrigé.", by=lead)
    with pytest.raises(services.LabelError, match="déjà été clôturé"):
        services.finding_close(finding_id=major.pk, note="Encore.", by=lead)
    client.force_login(lead)
    response = client.post(_close_url(major), {"note": "Encore."})
    assert response.status_code == 409 and "déjà clôturé" in response.content.decode()
    major.refresh_from_db()
    assert major.closing_note == "Corrigé."


def test_the_closing_note_is_required(client, application, users):
    major, *_ = audited_with_findings(application, users)
    with pytest.raises(services.LabelError, match="note de clôture"):
        services.finding_close(finding_id=major.pk, note="  ", by=users[Role.AUDITOR])
    client.force_login(users[Role.AUDITOR])
    response = client.post(_close_url(major), {"note": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert not Finding.objects.filter(closed_at__isnull=False).exists()


def test_an_action_of_another_structure_cannot_answer_a_finding(application, users, foreign_centre):
    major, *_ = audited_with_findings(application, users)
    foreign = ActionFactory(centre=foreign_centre)
    with pytest.raises(services.LabelError, match="plan d'action"):
        services.finding_close(
            finding_id=major.pk, note="Vu.", action_id=foreign.pk, by=users[Role.AUDITOR]
        )
    major.refresh_from_db()
    assert major.closed_at is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("team_member", 403),
        (Role.DECIDER, 403),
        (Role.CORRESPONDENT, 403),
        (Role.REFERENT, 403),
        ("other_body_auditor", 404),
    ],
)
def test_only_the_lead_auditor_opens_the_close_page(
    client, application, users, second_auditor, who, status
):
    finding = finding_by_team_member(application, users, second_auditor)
    people = {
        **users,
        "team_member": second_auditor,
        "other_body_auditor": make_user(
            Role.AUDITOR, certification_body=CertificationBodyFactory()
        ),
    }
    client.force_login(people[who])
    assert client.get(_close_url(finding)).status_code == status
    assert client.post(_close_url(finding), {"note": "x"}).status_code == status
    assert not Finding.objects.filter(closed_at__isnull=False).exists()


def test_a_team_member_cannot_close_through_the_service(application, users, second_auditor):
    finding = finding_by_team_member(application, users, second_auditor)
    with pytest.raises(PermissionDenied):
        services.finding_close(finding_id=finding.pk, note="Vu.", by=second_auditor)


def test_findings_are_not_closed_once_a_level_is_proposed(client, application, users):
    major, *_ = audited_with_findings(application, users)
    services.proposal_make(
        application_id=application.pk, outcome="bronze", motivation="Vu.", by=users[Role.AUDITOR]
    )
    with pytest.raises(services.LabelError, match="pas possible"):
        services.finding_close(finding_id=major.pk, note="Vu.", by=users[Role.AUDITOR])
    client.force_login(users[Role.AUDITOR])
    assert client.get(_close_url(major)).status_code == 409


def test_the_lead_of_the_follow_up_audit_closes_findings_of_the_initial_audit(
    application, users, second_auditor
):
    major, *_ = audited_with_findings(application, users)
    lead = users[Role.AUDITOR]
    services.proposal_make(
        application_id=application.pk, outcome="bronze", motivation="Vu.", by=lead
    )
    services.decision_take(
        application_id=application.pk, outcome="bronze", motivation="Vu.", by=users[Role.DECIDER]
    )
    services.derogation_confirm(
        application_id=application.pk, note="Vu aussi.", by=confirming_decider()
    )
    services.audit_plan(
        application_id=application.pk,
        by=second_auditor,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=4),
        seed=7,
        kind="follow_up",
    )
    services.finding_close(finding_id=major.pk, note="Vérifié au suivi.", by=second_auditor)
    major.refresh_from_db()
    assert major.closed_by == second_auditor


def test_the_close_form_resists_the_bad_input_corpus_in_its_action_field(
    client, application, users, lille
):
    major, *_ = audited_with_findings(application, users)
    action = ActionFactory(centre=lille)
    client.force_login(users[Role.AUDITOR])
    # No note: every request is refused, so each payload meets the form's validation.
    check_form_resists_bad_input(client, _close_url(major), valid={"action": str(action.pk)})
    major.refresh_from_db()
    assert major.closed_at is None


def test_the_close_form_resists_the_bad_input_corpus_in_its_note(client, application, users):
    major, *_ = audited_with_findings(application, users)
    client.force_login(users[Role.AUDITOR])
    # Free text may be stored as the note (once: the finding is then closed and answers 409).
    check_form_resists_bad_input(
        client,
        _close_url(major),
        valid={"note": "Corrigé et vérifié."},
        may_accept=lambda field, payload: field == "note",
    )
    major.refresh_from_db()
    assert major.closed_at is not None


def test_centres_never_point_at_the_label(db):
    upward = [
        f.name
        for f in Action._meta.get_fields()
        if f.concrete and f.related_model and f.related_model._meta.app_label == "labelling"
    ]
    assert upward == []
