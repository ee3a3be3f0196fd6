"""The audit report PDF is built by a worker after the grid or the findings change, stored with
its SHA-256 and served at once (it was rendered inside the request, in 1.0 to 4.1 s); while a
new version is built, the page says so."""

import hashlib
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.enums import Conformity, FindingKind
from labelling.models import Audit, AuditCriterion

from .conftest import drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(application, users, second_auditor):
    drive(application, users, "submitted")
    return services.audit_plan(
        application_id=application.pk,
        by=users[Role.AUDITOR],
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 28),
        seed=99,
        team_ids=[second_auditor.pk],
    )


def grid_change(audit, users, conformity=Conformity.CONFORM):
    criterion = AuditCriterion.objects.filter(
        engagement__referential=audit.application.referential
    ).first()
    services.grid_entry_save(
        site_id=audit.sites.first().pk,
        criterion_id=criterion.pk,
        conformity=conformity,
        by=users[Role.AUDITOR],
    )
    return criterion


def stored(audit) -> Audit:
    audit.refresh_from_db()
    return audit


def report_url(audit) -> str:
    return reverse("labelling:audit_report", kwargs={"pk": audit.pk})


def test_a_grid_change_builds_the_report_and_stores_its_sha256(
    audit, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grid_change(audit, users)
    audit = stored(audit)
    assert audit.report_built_revision == audit.report_revision >= 1
    data = audit.report_file.read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == audit.report_sha256


def test_the_stored_report_is_served_at_once_without_being_rendered_again(
    client, audit, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grid_change(audit, users)
    before = stored(audit)
    client.force_login(users[Role.AUDITOR])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.get(report_url(audit))
    assert response.status_code == 200 and queued == []  # nothing to build
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == before.report_sha256
    assert response["X-Checksum-SHA256"] == before.report_sha256
    assert stored(audit).report_file.name == before.report_file.name


def test_a_new_finding_shows_progress_until_the_new_report_is_built(
    client, audit, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        criterion = grid_change(audit, users)
    first = stored(audit).report_sha256
    services.finding_add(  # its build is queued on commit, not run yet
        audit_id=audit.pk,
        criterion_id=criterion.pk,
        kind=FindingKind.OBSERVATION,
        description="Affichage des horaires à compléter.",
        by=users[Role.AUDITOR],
    )
    client.force_login(users[Role.AUDITOR])
    with django_capture_on_commit_callbacks(execute=True):
        pending = client.get(report_url(audit))
    assert pending.status_code == 202
    html = unescape(pending.content.decode())
    assert "Rapport d'audit en préparation" in html and "<progress" in html
    response = client.get(report_url(audit))
    assert response.status_code == 200
    audit = stored(audit)
    assert audit.report_sha256 != first
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == audit.report_sha256
