"""One valid certificate per structure: a new decision replaces the previous certificate."""

import pytest
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.enums import Outcome
from labelling.models import Certificate, DecisionLogEntry
from labelling.queries import label_statuses
from tests.conftest import requires_postgresql
from tests.factories import make_user

from .conftest import drive, make_application

pytestmark = pytest.mark.django_db


def _verify(client, certificate):
    return client.get(reverse("labelling:verify", kwargs={"token": certificate.public_token}))


@pytest.fixture
def two_cycles(application, users):
    """Argent 2025, then Bronze 2026 for the same structure."""
    drive(application, users, "decided")
    drive(make_application(users, cycle=2026), users, "decided", outcome=Outcome.BRONZE)
    return (
        Certificate.objects.get(decision__application__cycle=2025),
        Certificate.objects.get(decision__application__cycle=2026),
    )


def test_a_bronze_2026_decision_replaces_the_argent_2025_certificate(client, two_cycles):
    old, new = two_cycles
    old_page = _verify(client, old).content.decode()
    assert "Ce certificat est valide" not in old_page
    assert "Ce certificat est remplacé" in old_page
    assert reverse("labelling:verify", kwargs={"token": new.public_token}) in old_page
    assert new.number in old_page
    assert "Ce certificat est valide" in _verify(client, new).content.decode()


def test_the_replacement_is_logged_with_both_numbers(two_cycles):
    old, new = two_cycles
    entry = DecisionLogEntry.objects.get(kind="replacement")
    assert entry.payload["certificate"] == old.number
    assert entry.payload["replaced_by"] == new.number
    assert entry.application_id_ref == old.decision.application_id


def test_the_structure_shows_one_label_the_latest(two_cycles, dgfip):
    from django.utils import timezone

    status = label_statuses([dgfip.pk], today=timezone.localdate())[dgfip.pk]
    assert (status.level, status.is_valid) == (Outcome.BRONZE, True)


def test_suspending_the_new_label_does_not_bring_the_old_one_back(client, two_cycles, users):
    old, new = two_cycles
    services.label_suspend(
        application_id=new.decision.application_id, reason="Contrôle.", by=users[Role.DECIDER]
    )
    assert "Ce certificat est remplacé" in _verify(client, old).content.decode()
    assert "Ce certificat est suspendu" in _verify(client, new).content.decode()


def test_an_overturned_appeal_replaces_the_certificate_of_the_same_application(
    client, application, users, other_decider
):
    drive(application, users, "decided")
    first = Certificate.objects.get()
    services.appeal_file(application_id=application.pk, reason="Or.", by=users[Role.CORRESPONDENT])
    services.appeal_review(
        application_id=application.pk,
        outcome="overturned",
        new_outcome=Outcome.BRONZE,
        motivation="Réexamen.",
        by=other_decider,
    )
    services.derogation_confirm(
        application_id=application.pk, note="Vu.", by=make_user(Role.DECIDER)
    )  # Bronze over a scorecard without figures: a derogation
    first.refresh_from_db()
    second = Certificate.objects.exclude(pk=first.pk).get()
    assert first.replaced_by == second
    assert "Ce certificat est remplacé" in _verify(client, first).content.decode()


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_on_two_cycles_leave_one_valid_certificate(referential, users):
    """Both confirmations run together; the structure's row lock orders them, so the second
    certificate replaces the first instead of both staying valid."""
    import threading

    from django.db import connection

    applications = []
    for cycle in (2025, 2026):
        application = drive(make_application(users, cycle=cycle), users, "proposed")
        services.decision_take(
            application_id=application.pk,
            outcome=Outcome.ARGENT,
            motivation="Au-delà du tableau.",
            by=users[Role.DECIDER],
        )
        applications.append(application)
    confirmer = make_user(Role.DECIDER)
    barrier = threading.Barrier(len(applications))
    errors = []

    def confirm(application):
        try:
            barrier.wait()
            services.derogation_confirm(application_id=application.pk, note="Vu.", by=confirmer)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Certificate.objects.count() == 2
    assert Certificate.objects.filter(replaced_by__isnull=True).count() == 1
    assert DecisionLogEntry.objects.filter(kind="replacement").count() == 1
