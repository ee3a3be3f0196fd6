"""Coherent audit records: dates in the cycle, no closing before the start, non-conformities
only where the grid says so, and a finding for every non-conform entry."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from labelling import services
from labelling.enums import Conformity, FindingKind
from labelling.models import Audit, AuditCriterion, Finding

from .conftest import drive, fill_grid, grade, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(application, users):
    drive(application, users, "audit_planned")
    return application.audits.get()


def _finding(audit, users, code="1.1", kind=FindingKind.MAJOR_NC, site=None):
    criterion = AuditCriterion.objects.get(
        code=code, engagement__referential=audit.application.referential
    )
    return services.finding_add(
        audit_id=audit.pk,
        criterion_id=criterion.pk,
        kind=kind,
        description="Des agents ne donnent pas leur nom.",
        site_id=(site or audit.sites.first()).pk,
        by=users[Role.AUDITOR],
    )


def test_a_major_nc_on_a_criterion_graded_conform_is_refused(audit, users):
    grade(audit, "1.1", users[Role.AUDITOR], conformity=Conformity.CONFORM)
    with pytest.raises(services.LabelError, match="partiellement conforme ou non conforme"):
        _finding(audit, users)
    with pytest.raises(services.LabelError):
        _finding(audit, users, kind=FindingKind.MINOR_NC)
    assert not Finding.objects.exists()


def test_a_nc_on_a_criterion_not_graded_yet_is_refused(audit, users):
    with pytest.raises(services.LabelError, match="1.1"):
        _finding(audit, users)


@pytest.mark.parametrize("conformity", [Conformity.PARTIAL, Conformity.NON_CONFORM])
def test_a_nc_on_a_partial_or_non_conform_criterion_is_recorded(audit, users, conformity):
    grade(audit, "1.1", users[Role.AUDITOR], conformity=conformity)
    assert _finding(audit, users).kind == FindingKind.MAJOR_NC


def test_an_observation_or_good_practice_needs_no_grade(audit, users):
    grade(audit, "1.1", users[Role.AUDITOR], conformity=Conformity.CONFORM)
    assert _finding(audit, users, kind=FindingKind.GOOD_PRACTICE).pk


def test_a_criterion_with_a_nc_cannot_be_regraded_conform(audit, users):
    grade(audit, "1.1", users[Role.AUDITOR], conformity=Conformity.NON_CONFORM)
    _finding(audit, users)
    with pytest.raises(services.LabelError, match="reste"):
        grade(audit, "1.1", users[Role.AUDITOR], conformity=Conformity.CONFORM)


def test_a_non_conform_entry_without_a_finding_blocks_the_grid(audit, users):
    lead = users[Role.AUDITOR]
    site = grade(audit, "2.2", lead, conformity=Conformity.NON_CONFORM)
    fill_grid(audit, lead)
    with pytest.raises(services.LabelError, match=f"{site.centre.city} 2.2"):
        services.audit_close(audit_id=audit.pk, conclusion="Fin.", by=lead)
    _finding(audit, users, code="2.2", site=site)
    services.audit_close(audit_id=audit.pk, conclusion="Fin.", by=lead)
    assert Audit.objects.get().closed_at is not None


def test_an_audit_is_not_closed_before_its_planned_start(users, referential):
    application = drive(make_application(users, cycle=2026), users, "submitted")
    start = timezone.localdate() + timedelta(days=10)
    lead = users[Role.AUDITOR]
    audit = services.audit_plan(
        application_id=application.pk, by=lead, start_date=start, end_date=start, seed=1
    )
    fill_grid(audit, lead)
    with pytest.raises(services.LabelError, match="avant"):
        services.audit_close(audit_id=audit.pk, conclusion="Fin.", by=lead)
    assert Audit.objects.get().closed_at is None


def test_an_audit_outside_the_application_cycle_is_refused(users, referential):
    application = drive(make_application(users, cycle=2026), users, "submitted")
    assert application.created_at.date() >= date(2026, 12, 1)
    with pytest.raises(services.LabelError, match="cycle"):
        services.audit_plan(
            application_id=application.pk,
            by=users[Role.AUDITOR],
            start_date=date(2025, 3, 3),
            end_date=date(2025, 3, 28),
            seed=1,
        )
    assert not Audit.objects.exists()


def test_the_finding_form_refuses_a_nc_on_a_conform_criterion_in_french(client, audit, users):
    grade(audit, "1.1", users[Role.AUDITOR], conformity=Conformity.CONFORM)
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:audit_post", kwargs={"pk": audit.pk, "action": "finding"})
    criterion = AuditCriterion.objects.get(code="1.1", engagement__referential_id=1)
    response = client.post(
        url,
        {
            "kind": "major_nc",
            "criterion": criterion.pk,
            "site": audit.sites.first().pk,
            "description": "x",
        },
    )
    assert 400 <= response.status_code < 500
    assert "partiellement conforme" in response.content.decode()
    assert not Finding.objects.exists()


def test_nothing_is_graded_or_found_before_the_visits_start(users, referential):
    application = drive(make_application(users, cycle=2026), users, "submitted")
    start = timezone.localdate() + timedelta(days=3)
    lead = users[Role.AUDITOR]
    audit = services.audit_plan(
        application_id=application.pk, by=lead, start_date=start, end_date=start, seed=1
    )
    with pytest.raises(services.LabelError, match="visites"):
        grade(audit, "1.1", lead)
    with pytest.raises(services.LabelError, match="visites"):
        _finding(audit, users, kind=FindingKind.OBSERVATION)
    assert not Finding.objects.exists() and not audit.sites.filter(entries__isnull=False).exists()
