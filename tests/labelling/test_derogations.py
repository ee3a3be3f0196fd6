"""Four-eyes on derogations: a decision above the scorecard or the proposal waits for a second
decider, and the decision records both names and the motivations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.enums import ApplicationStatus as S
from labelling.enums import DerogationStatus, Outcome
from labelling.models import Decision, DecisionLogEntry, Derogation
from labelling.services.decisions import is_derogation

from .conftest import drive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("outcome", "result", "proposed", "expected"),
    [
        ("or", "argent", "argent", True),  # the DGFiP case: Or over Argent and Argent
        ("or", "or", "argent", True),  # above the proposal
        ("or", "argent", "or", True),  # above the scorecard
        ("argent", "argent", "argent", False),
        ("bronze", "argent", "argent", False),  # below is the decider's call
        ("refused", "refused", "argent", False),
        ("bronze", "refused", "refused", True),
    ],
)
def test_what_is_a_derogation(outcome, result, proposed, expected):
    assert is_derogation(outcome, scorecard_result=result, proposed=proposed) is expected


@pytest.fixture
def proposed(application, users):
    """Proposed Argent; without survey figures the scorecard refuses."""
    return drive(application, users, "proposed")


def _decide(application, users, outcome=Outcome.OR):
    return services.decision_take(
        application_id=application.pk,
        outcome=outcome,
        motivation="Effort remarquable des équipes.",
        by=users[Role.DECIDER],
    )


def test_a_single_decider_cannot_grant_or_over_the_scorecard_and_the_proposal(proposed, users):
    derogation = _decide(proposed, users)
    assert isinstance(derogation, Derogation)
    assert not Decision.objects.exists()
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED and proposed.outcome == ""
    assert DecisionLogEntry.objects.filter(kind="derogation").count() == 1


def test_a_second_decider_confirms_and_both_names_are_recorded(proposed, users, other_decider):
    _decide(proposed, users)
    decision = services.derogation_confirm(
        application_id=proposed.pk, note="Je confirme au vu du dossier.", by=other_decider
    )
    assert (decision.outcome, decision.decided_by, decision.confirmed_by) == (
        Outcome.OR,
        users[Role.DECIDER],
        other_decider,
    )
    assert decision.motivation == "Effort remarquable des équipes."
    logged = DecisionLogEntry.objects.get(kind="decision").payload["derogation"]
    assert logged["requested_by"].startswith(f"user:{users[Role.DECIDER].pk} ")
    assert logged["confirmed_by"].startswith(f"user:{other_decider.pk} ")
    assert logged["confirmation"] == "Je confirme au vu du dossier."
    assert Derogation.objects.get().status == DerogationStatus.CONFIRMED


def test_the_requester_cannot_confirm_their_own_derogation(proposed, users):
    _decide(proposed, users)
    with pytest.raises(PermissionDenied):
        services.derogation_confirm(application_id=proposed.pk, note="Moi.", by=users[Role.DECIDER])
    assert not Decision.objects.exists()


def test_an_auditor_of_the_case_cannot_confirm(application, users, body):
    from tests.factories import make_user

    both = make_user(Role.DECIDER)
    from centres.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role=Role.AUDITOR, certification_body=body)
    drive(application, users, "proposed", team=[both])
    _decide(application, users)
    with pytest.raises(PermissionDenied):
        services.derogation_confirm(application_id=application.pk, note="x", by=both)


def test_a_declined_derogation_leaves_the_application_to_decide(proposed, users, other_decider):
    _decide(proposed, users)
    services.derogation_decline(application_id=proposed.pk, note="Non justifié.", by=other_decider)
    assert Derogation.objects.get().status == DerogationStatus.DECLINED
    decision = _decide(proposed, users, outcome=Outcome.REFUSED)
    assert isinstance(decision, Decision) and decision.confirmed_by is None


def test_only_one_derogation_waits_at_a_time(proposed, users):
    _decide(proposed, users)
    with pytest.raises(services.LabelError, match="déjà"):
        _decide(proposed, users)


def test_the_page_offers_confirmation_to_another_decider_only(
    client, proposed, users, other_decider
):
    _decide(proposed, users)
    url = reverse("labelling:application_detail", kwargs={"pk": proposed.pk})
    client.force_login(users[Role.DECIDER])
    page = client.get(url).content.decode()
    assert "Confirmer la dérogation" not in page and "Enregistrer la décision" not in page
    client.force_login(other_decider)
    page = client.get(url).content.decode()
    assert "Confirmer la dérogation" in page


def test_a_confirmation_without_motivation_is_a_400_and_stores_nothing(
    client, proposed, users, other_decider
):
    _decide(proposed, users)
    client.force_login(other_decider)
    url = reverse(
        "labelling:application_action", kwargs={"pk": proposed.pk, "action": "confirm_derogation"}
    )
    assert client.post(url, {"note": "  "}).status_code == 400
    assert not Decision.objects.exists()


def test_the_confirmation_form_resists_the_bad_input_corpus(client, proposed, users, other_decider):
    from tests.bad_input import check_form_resists_bad_input

    _decide(proposed, users)
    client.force_login(other_decider)
    url = reverse(
        "labelling:application_action", kwargs={"pk": proposed.pk, "action": "decline_derogation"}
    )
    # A plain text is a valid motivation: the first one accepted declines the derogation, and
    # every later request finds nothing to decline (a French 409, nothing stored).
    check_form_resists_bad_input(
        client,
        url,
        valid={"note": "Non justifié."},
        may_accept=lambda field, payload: field == "note",
    )
    assert Derogation.objects.get().status in (DerogationStatus.PENDING, DerogationStatus.DECLINED)
    assert not Decision.objects.exists()


def test_an_examiner_alone_cannot_grant_over_the_scorecard_by_overturning(
    application, users, other_decider
):
    from tests.factories import make_user

    drive(application, users, "decided", outcome=Outcome.REFUSED)
    services.appeal_file(application_id=application.pk, reason="x", by=users[Role.CORRESPONDENT])
    services.appeal_review(
        application_id=application.pk,
        outcome="overturned",
        new_outcome=Outcome.OR,
        motivation="Réexamen.",
        by=other_decider,
    )
    application.refresh_from_db()
    assert application.status == S.PROPOSED and application.outcome == Outcome.REFUSED
    assert Decision.objects.count() == 1
    # The decider of the contested refusal is not independent: a third decider confirms.
    with pytest.raises(PermissionDenied):
        services.derogation_confirm(application_id=application.pk, note="x", by=users[Role.DECIDER])
    third = make_user(Role.DECIDER)
    decision = services.derogation_confirm(application_id=application.pk, note="Vu.", by=third)
    assert (decision.outcome, decision.decided_by, decision.confirmed_by) == (
        Outcome.OR,
        other_decider,
        third,
    )
