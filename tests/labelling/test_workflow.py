"""Every transition of an application, by its permitted role, and refused to the others."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from centres.enums import Role
from labelling import services
from labelling.enums import AppealOutcome, ApplicationStatus, AuditKind, Outcome
from labelling.models import Decision
from tests.factories import CertificationBodyFactory, make_user

from .conftest import drive, fill_grid

S = ApplicationStatus


def test_a_draft_application_goes_all_the_way_to_a_decision(application, users):
    application = drive(application, users, "decided")
    assert application.status == S.DECIDED
    assert list(application.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "audit_planned",
        "audited",
        "proposed",
        "decided",
    ]


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AUDITOR, Role.DECIDER, "no_role"])
def test_only_a_correspondent_or_the_ditp_can_open_an_application(
    users, dgfip, body, referential, role
):
    with pytest.raises(PermissionDenied):
        services.application_create(
            structure=dgfip,
            cycle=2026,
            certification_body=body,
            survey_start=date(2026, 1, 1),
            survey_end=date(2026, 3, 1),
            by=users[role],
        )


def test_a_structure_has_one_application_per_cycle(application, users, dgfip, body):
    with pytest.raises(services.LabelError):
        services.application_create(
            structure=dgfip,
            cycle=2025,
            certification_body=body,
            survey_start=date(2025, 1, 1),
            survey_end=date(2025, 3, 1),
            by=users[Role.DITP_ADMIN],
        )


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AUDITOR, Role.DECIDER])
def test_only_the_correspondent_submits(application, users, role):
    with pytest.raises(PermissionDenied):
        services.application_submit(application_id=application.pk, by=users[role])


def test_a_submitted_application_cannot_be_submitted_again(application, users):
    services.application_submit(application_id=application.pk, by=users[Role.CORRESPONDENT])
    with pytest.raises(services.LabelError, match="« Déposée »"):
        services.application_submit(application_id=application.pk, by=users[Role.CORRESPONDENT])


def _plan(application, by, **extra):
    # An initial audit in the cycle; a follow-up audit within the label's validity.
    follow_up = extra.get("kind") == AuditKind.FOLLOW_UP
    return services.audit_plan(
        application_id=application.pk,
        by=by,
        start_date=date(2026, 11, 2) if follow_up else date(2025, 3, 3),
        end_date=date(2026, 11, 6) if follow_up else date(2025, 3, 28),
        seed=7,
        **extra,
    )


def test_an_auditor_of_the_chosen_body_plans_the_audit_and_leads_it(application, users):
    drive(application, users, "submitted")
    audit = _plan(application, users[Role.AUDITOR])
    application.refresh_from_db()
    assert application.status == S.AUDIT_PLANNED
    assert audit.lead_auditor == users[Role.AUDITOR]


def test_an_auditor_of_another_body_cannot_plan_the_audit(application, users):
    drive(application, users, "submitted")
    stranger = make_user(Role.AUDITOR, certification_body=CertificationBodyFactory())
    for person in (stranger, users[Role.DECIDER], users[Role.CORRESPONDENT]):
        with pytest.raises(PermissionDenied):
            _plan(application, person)


def test_a_draft_cannot_be_audited(application, users):
    with pytest.raises(services.LabelError):
        _plan(application, users[Role.AUDITOR])


def test_only_the_lead_auditor_closes_the_audit_and_only_with_a_complete_grid(
    application, users, second_auditor
):
    drive(application, users, "submitted")
    audit = _plan(application, users[Role.AUDITOR], team_ids=[second_auditor.pk])
    with pytest.raises(services.LabelError, match="grille est incomplète"):
        services.audit_close(audit_id=audit.pk, by=users[Role.AUDITOR])
    fill_grid(audit, second_auditor)
    with pytest.raises(PermissionDenied):
        services.audit_close(audit_id=audit.pk, by=second_auditor)
    services.audit_close(audit_id=audit.pk, by=users[Role.AUDITOR])
    application.refresh_from_db()
    assert application.status == S.AUDITED


def test_only_the_lead_auditor_proposes(application, users, second_auditor):
    drive(application, users, "audited", team=[second_auditor])
    for person in (second_auditor, users[Role.DECIDER]):
        with pytest.raises(PermissionDenied):
            services.proposal_make(
                application_id=application.pk, outcome=Outcome.OR, motivation="x", by=person
            )


def test_a_proposal_needs_a_motivation(application, users):
    drive(application, users, "audited")
    with pytest.raises(services.LabelError, match="motivation est obligatoire"):
        services.proposal_make(
            application_id=application.pk,
            outcome=Outcome.OR,
            motivation="  ",
            by=users[Role.AUDITOR],
        )


def test_a_decider_who_audited_cannot_decide(application, users, body):
    auditing_decider = make_user(Role.AUDITOR, certification_body=body)
    auditing_decider.role_assignments.create(role=Role.DECIDER)
    drive(application, users, "proposed", team=[auditing_decider])
    with pytest.raises(PermissionDenied, match="participé à l'audit"):
        services.decision_take(
            application_id=application.pk,
            outcome=Outcome.ARGENT,
            motivation="Vu.",
            by=auditing_decider,
        )
    assert not Decision.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CORRESPONDENT, Role.DITP_ADMIN])
def test_only_a_decider_decides(application, users, role):
    drive(application, users, "proposed")
    with pytest.raises(PermissionDenied):
        services.decision_take(
            application_id=application.pk, outcome=Outcome.ARGENT, motivation="Vu.", by=users[role]
        )


def test_a_decision_needs_a_motivation_and_stores_nothing_without_one(application, users):
    drive(application, users, "proposed")
    with pytest.raises(services.LabelError):
        services.decision_take(
            application_id=application.pk,
            outcome=Outcome.ARGENT,
            motivation="",
            by=users[Role.DECIDER],
        )
    assert not Decision.objects.exists()


def test_a_decision_freezes_the_referential_version_and_the_scorecard(application, users):
    application = drive(application, users, "decided")
    decision = application.decisions.get()
    assert decision.referential.version == 1
    assert decision.scorecard["referential"]["version"] == 1
    assert {level["level"] for level in decision.scorecard["levels"]} == {"bronze", "argent", "or"}
    assert (decision.valid_from, decision.valid_until) == (date(2025, 6, 26), date(2028, 6, 25))
    assert application.follow_up_due == date(2026, 12, 26)


def test_a_decider_suspends_reinstates_and_withdraws_a_label(application, users):
    drive(application, users, "decided")
    decider = users[Role.DECIDER]
    services.label_suspend(application_id=application.pk, reason="NC majeure.", by=decider)
    services.label_reinstate(application_id=application.pk, reason="Corrigée.", by=decider)
    services.label_suspend(application_id=application.pk, reason="Récidive.", by=decider)
    services.label_withdraw(application_id=application.pk, reason="Non corrigée.", by=decider)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


@pytest.mark.parametrize("role", [Role.CORRESPONDENT, Role.AUDITOR, Role.DITP_ADMIN])
def test_only_a_decider_suspends_or_withdraws(application, users, role):
    drive(application, users, "decided")
    for service in (services.label_suspend, services.label_withdraw):
        with pytest.raises(PermissionDenied):
            service(application_id=application.pk, reason="x", by=users[role])


def test_a_refusal_has_no_label_to_suspend(application, users):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    with pytest.raises(services.LabelError):
        services.label_suspend(application_id=application.pk, reason="x", by=users[Role.DECIDER])


def test_an_appeal_is_filed_by_the_correspondent_only(application, users):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    with pytest.raises(PermissionDenied):
        services.appeal_file(application_id=application.pk, reason="x", by=users[Role.REFERENT])
    services.appeal_file(
        application_id=application.pk, reason="Erreur.", by=users[Role.CORRESPONDENT]
    )
    application.refresh_from_db()
    assert application.status == S.APPEALED


def test_the_decider_who_decided_cannot_review_the_appeal(application, users, other_decider):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    services.appeal_file(
        application_id=application.pk, reason="Erreur.", by=users[Role.CORRESPONDENT]
    )
    with pytest.raises(PermissionDenied, match="indépendant"):
        services.appeal_review(
            application_id=application.pk,
            outcome=AppealOutcome.UPHELD,
            motivation="x",
            by=users[Role.DECIDER],
        )


def test_another_decider_upholds_an_appeal_and_the_status_comes_back(
    application, users, other_decider
):
    drive(application, users, "decided")
    services.label_suspend(application_id=application.pk, reason="x", by=users[Role.DECIDER])
    services.appeal_file(
        application_id=application.pk, reason="Injuste.", by=users[Role.CORRESPONDENT]
    )
    services.appeal_review(
        application_id=application.pk,
        outcome=AppealOutcome.UPHELD,
        motivation="Fondée.",
        by=other_decider,
    )
    application.refresh_from_db()
    assert application.status == S.SUSPENDED


def test_an_overturned_refusal_becomes_a_new_decision_with_a_certificate(
    application, users, other_decider
):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    services.appeal_file(
        application_id=application.pk, reason="Erreur.", by=users[Role.CORRESPONDENT]
    )
    services.appeal_review(
        application_id=application.pk,
        outcome=AppealOutcome.OVERTURNED,
        new_outcome=Outcome.BRONZE,
        motivation="Erreur de calcul.",
        by=other_decider,
    )
    # Without survey figures the scorecard refuses: Bronze is a derogation, a third decider
    # (independent of the case) confirms it.
    application.refresh_from_db()
    assert application.status == S.PROPOSED
    third = make_user(Role.DECIDER)
    services.derogation_confirm(application_id=application.pk, note="Vu.", by=third)
    application.refresh_from_db()
    latest = application.decisions.order_by("-decided_at").first()
    assert (application.status, application.outcome) == (S.DECIDED, Outcome.BRONZE)
    assert latest.decided_by == other_decider and latest.confirmed_by == third
    assert latest.certificate.number


def test_a_follow_up_audit_is_planned_and_closed_by_the_auditor(application, users):
    drive(application, users, "decided")
    audit = _plan(application, users[Role.AUDITOR], kind=AuditKind.FOLLOW_UP)
    application.refresh_from_db()
    assert application.status == S.FOLLOW_UP
    services.audit_close(audit_id=audit.pk, conclusion="Suivi conforme.", by=users[Role.AUDITOR])
    application.refresh_from_db()
    assert application.status == S.DECIDED


def test_labels_past_their_validity_expire(application, users):
    drive(application, users, "decided")
    assert services.labels_expire(today=date(2028, 6, 25)) == 0
    assert services.labels_expire(today=date(2028, 6, 26)) == 1
    application.refresh_from_db()
    assert application.status == S.EXPIRED


def test_a_new_referential_version_is_a_copy_and_the_one_in_force_is_never_edited(
    referential, users
):
    admin = users[Role.DITP_ADMIN]
    draft = services.referential_version_create(source_id=referential.pk, name="2026", by=admin)
    assert (draft.version, draft.status) == (2, "draft")
    assert draft.level_rules.count() == 3 and draft.engagements.count() == 8
    assert sum(e.criteria.count() for e in draft.engagements.all()) == 20
    in_force = referential.level_rules.get(level="or")
    with pytest.raises(services.LabelError, match="jamais modifié"):
        services.level_rule_update(
            rule_id=in_force.pk, values={"min_agent_involvement": 0}, by=admin
        )
    rule = draft.level_rules.get(level="or")
    services.level_rule_update(rule_id=rule.pk, values={"min_agent_involvement": "0.75"}, by=admin)
    services.referential_activate(referential_id=draft.pk, by=admin)
    referential.refresh_from_db()
    assert referential.status == "archived"


def test_only_the_ditp_administrator_edits_the_referential(referential, users):
    with pytest.raises(PermissionDenied):
        services.referential_version_create(
            source_id=referential.pk, name="x", by=users[Role.DECIDER]
        )


def test_an_application_keeps_the_referential_version_it_was_filed_under(application, users):
    services.referential_activate(
        referential_id=services.referential_version_create(
            source_id=application.referential_id, name="2026", by=users[Role.DITP_ADMIN]
        ).pk,
        by=users[Role.DITP_ADMIN],
    )
    application = drive(application, users, "decided")
    assert application.decisions.get().referential.version == 1


def test_closing_a_follow_up_audit_does_not_lift_a_suspension(application, users):
    drive(application, users, "decided")
    audit = _plan(application, users[Role.AUDITOR], kind=AuditKind.FOLLOW_UP)
    services.label_suspend(
        application_id=application.pk, reason="NC majeure.", by=users[Role.DECIDER]
    )
    services.audit_close(audit_id=audit.pk, conclusion="Suivi.", by=users[Role.AUDITOR])
    application.refresh_from_db()
    assert application.status == S.SUSPENDED
