"""Every notification kind goes once to exactly the people whose role and scope concern it,
listed in the product and e-mailed (plain text unescaped); the header count and the list agree.

The outsiders hold the same roles elsewhere: another network's correspondent, a referent of a
centre of another structure, an auditor of another body. None of them is ever told."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import Notification
from centres.notifications import KINDS, deliver
from labelling import services
from labelling.enums import AppealOutcome, Conformity, FindingKind, Outcome
from labelling.models import AuditCriterion
from labelling.notifications import follow_up_due_sweep
from tests.factories import CentreFactory, CertificationBodyFactory, NetworkFactory, make_user

from .conftest import confirming_decider, drive, fill_grid, grade

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outsiders(organisation):
    return [
        make_user(Role.CORRESPONDENT, network=NetworkFactory(code="caf")),
        make_user(Role.REFERENT, centre=CentreFactory(code="ailleurs")),
        make_user(Role.AUDITOR, certification_body=CertificationBodyFactory()),
    ]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a step and the notifications it queues after commit."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def emailed(title_start) -> list[str]:
    return sorted(a for m in mail.outbox if m.subject.startswith(title_start) for a in m.to)


def emails(users, *roles) -> set[str]:
    return {users[role].email for role in roles}


STRUCTURE = (Role.CORRESPONDENT, Role.REFERENT, "other_referent")


def test_submission_tells_the_body_the_ditp_and_the_structure(application, users, committed):
    committed(
        services.application_submit, application_id=application.pk, by=users[Role.CORRESPONDENT]
    )
    expected = emails(users, Role.AUDITOR, Role.DITP_ADMIN, *STRUCTURE)
    assert told("application_submitted") == expected
    assert emailed("Candidature au label déposée") == sorted(expected)
    [message] = [m for m in mail.outbox if m.to == [users[Role.CORRESPONDENT].email]]
    # plain text is not HTML-escaped: « Plateforme d'assistance » reads as typed
    assert "Plateforme d'assistance aux particuliers" in message.body
    assert "&#x27;" not in message.body and "&#x27;" in message.alternatives[0][0]


def test_a_planned_audit_tells_its_dates_to_the_structure_and_the_team(
    application, users, committed
):
    committed(drive, application, users, "submitted")
    mail.outbox.clear()
    committed(
        services.audit_plan,
        application_id=application.pk,
        by=users[Role.AUDITOR],
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 28),
        seed=2025,
    )
    assert told("audit_planned") == emails(users, Role.AUDITOR, *STRUCTURE)
    [notification] = Notification.objects.filter(
        kind="audit_planned", recipient=users[Role.REFERENT]
    )
    assert "du 03/03/2025 au 28/03/2025" in notification.title


def test_a_closed_audit_tells_the_grid_and_the_findings_to_close(application, users, committed):
    committed(drive, application, users, "audit_planned")
    audit = application.audits.get()
    criterion = AuditCriterion.objects.filter(engagement__referential=application.referential)[0]
    lead = users[Role.AUDITOR]
    # A non-conformity is recorded only on a criterion graded not conform (issue 13).
    site = grade(audit, criterion.code, lead, Conformity.NON_CONFORM)
    services.finding_add(
        audit_id=audit.pk,
        criterion_id=criterion.pk,
        kind=FindingKind.MAJOR_NC,
        description="Numéro surtaxé.",
        site_id=site.pk,
        by=lead,
    )
    fill_grid(audit, lead)
    committed(services.audit_close, audit_id=audit.pk, conclusion="Fini.", by=lead)
    assert told("grid_submitted") == emails(users, Role.DITP_ADMIN, Role.DECIDER, *STRUCTURE)
    assert told("findings_to_close") == emails(users, *STRUCTURE)


def test_no_findings_to_close_without_an_open_nonconformity(application, users, committed):
    committed(drive, application, users, "audited")
    assert told("grid_submitted") and told("findings_to_close") == set()


def test_proposal_decision_and_certificate(application, users, committed):
    committed(drive, application, users, "proposed")
    assert told("proposal_made") == emails(users, Role.DECIDER, Role.DITP_ADMIN)
    committed(
        services.decision_take,
        application_id=application.pk,
        outcome=Outcome.ARGENT,
        motivation="Conforme.",
        by=users[Role.DECIDER],
    )
    # Without survey figures the scorecard refuses, so Argent is a derogation (issue 13): it
    # is decided, and told, when a second decider confirms it.
    assert told("decision_taken") == set()
    committed(
        services.derogation_confirm,
        application_id=application.pk,
        note="Confirmé.",
        by=confirming_decider(),
    )
    assert told("decision_taken") == emails(users, Role.DITP_ADMIN, Role.AUDITOR, *STRUCTURE)
    assert told("certificate_ready") == emails(users, Role.DITP_ADMIN, *STRUCTURE)
    notification = Notification.objects.filter(kind="certificate_ready").first()
    assert notification.url.startswith("/label/certificats/")


def test_appeal_filed_then_examined(application, users, other_decider, committed):
    committed(drive, application, users, "decided", outcome=Outcome.REFUSED)
    committed(
        services.appeal_file,
        application_id=application.pk,
        reason="Erreur.",
        by=users[Role.CORRESPONDENT],
    )
    deciders = emails(users, Role.DECIDER, Role.DITP_ADMIN) | {other_decider.email}
    assert told("appeal_filed") == deciders
    committed(
        services.appeal_review,
        application_id=application.pk,
        outcome=AppealOutcome.UPHELD,
        motivation="Fondée.",
        by=other_decider,
    )
    assert told("appeal_examined") == emails(users, Role.DITP_ADMIN, *STRUCTURE)


def test_suspension_and_withdrawal(application, users, committed):
    committed(drive, application, users, "decided")
    decider = users[Role.DECIDER]
    committed(services.label_suspend, application_id=application.pk, reason="NC.", by=decider)
    label_people = emails(users, Role.DITP_ADMIN, Role.AUDITOR, *STRUCTURE)
    assert told("label_suspended") == label_people
    committed(services.label_withdraw, application_id=application.pk, reason="NC.", by=decider)
    assert told("label_withdrawn") == label_people


def test_the_follow_up_audit_is_announced_60_days_ahead_once(application, users, committed):
    committed(drive, application, users, "decided")
    application.refresh_from_db()
    due = application.follow_up_due
    assert committed(follow_up_due_sweep, today=due - timedelta(days=61)) == 0
    committed(follow_up_due_sweep, today=due - timedelta(days=60))
    committed(follow_up_due_sweep, today=due - timedelta(days=59))
    assert told("follow_up_due") == emails(users, Role.AUDITOR, *STRUCTURE)
    assert Notification.objects.filter(kind="follow_up_due").count() == len(told("follow_up_due"))
    assert len(emailed("Audit de suivi")) == len(told("follow_up_due"))


def test_a_retried_delivery_adds_nothing_and_sends_nothing(application, users, committed):
    committed(
        services.application_submit, application_id=application.pk, by=users[Role.CORRESPONDENT]
    )
    rows, sent = Notification.objects.count(), len(mail.outbox)
    assert deliver("application_submitted", application.pk, str(application.pk)) == 0
    assert (Notification.objects.count(), len(mail.outbox)) == (rows, sent)


def test_every_kind_of_the_issue_is_registered():
    assert set(KINDS) >= {
        "application_submitted",
        "audit_planned",
        "grid_submitted",
        "findings_to_close",
        "proposal_made",
        "decision_taken",
        "appeal_filed",
        "appeal_examined",
        "label_suspended",
        "label_withdrawn",
        "certificate_ready",
        "follow_up_due",
        "review_published",
        "review_about_to_breach",
        "action_overdue",
    }


def test_the_header_count_and_the_list_agree_and_mark_read(client, application, users, committed):
    committed(
        services.application_submit, application_id=application.pk, by=users[Role.CORRESPONDENT]
    )
    referent = users[Role.REFERENT]
    client.force_login(referent)
    page = client.get(reverse("notifications:list"))
    assert page.context["unread_notifications"] == 1 == len(page.context["page"].object_list)
    assert "1 non lue" in page.content.decode()
    foreign = Notification.objects.exclude(recipient=referent).first()
    client.post(reverse("notifications:mark_read"), {"id": foreign.pk})
    foreign.refresh_from_db()
    assert foreign.read_at is None
    mine = Notification.objects.get(recipient=referent)
    client.post(reverse("notifications:mark_read"), {"id": mine.pk})
    page = client.get(reverse("notifications:list"))
    assert page.context["unread_notifications"] == 0
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert client.post(reverse("notifications:mark_read"), {"id": "<script>"}).status_code == 302


def test_the_list_reads_in_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    referent = users[Role.REFERENT]
    Notification.objects.bulk_create(
        Notification(
            recipient=referent,
            kind="x",
            key=str(i),
            title=f"T{i}",
            text="t",
            created_at=timezone.now(),
        )
        for i in range(60)
    )
    client.force_login(referent)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:list"))
