"""Audit planning (reproducible sampling, override with a reason), grids, findings, evidence."""

from datetime import date
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from labelling import services
from labelling.enums import Conformity, FindingKind, SiteSelection
from labelling.models import AuditCriterion, Evidence, GridEntry
from labelling.sampling import sample_size, sites_draw
from labelling.scorecard import audit_conformity

from .conftest import drive, grade

SITES = [(pk, f"site-{pk:02d}") for pk in range(1, 21)]


def test_the_sample_is_ceil_of_the_square_root_of_the_number_of_sites():
    assert [sample_size(n) for n in (0, 1, 4, 5, 20, 100)] == [0, 1, 2, 3, 5, 10]


def test_the_same_seed_always_draws_the_same_sites():
    first = sites_draw(sites=SITES, seed=1234)
    again = sites_draw(sites=list(reversed(SITES)), seed=1234)
    assert first == again and len(first) == 5
    assert sites_draw(sites=SITES, seed=1235) != first


def test_sites_chosen_by_risk_are_added_to_the_draw():
    drawn = {s.centre_id for s in sites_draw(sites=SITES, seed=1)}
    risky = next(pk for pk, _code in SITES if pk not in drawn)
    sample = sites_draw(sites=SITES, seed=1, risk_ids=[risky])
    assert len(sample) == 6
    assert sample[-1].centre_id == risky and sample[-1].selection == SiteSelection.RISK


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
        risk_centre_ids=[Centre.objects.get(code="lens").pk],
    )


def test_planning_stores_the_rule_and_the_seed_so_anyone_can_redraw(audit):
    assert audit.sampling_seed == 99
    assert "graine 99" in audit.sampling_rule and "⌈√20⌉ = 5" in audit.sampling_rule
    assert audit.sites.filter(selection=SiteSelection.RISK, centre__code="lens").exists()


def test_the_lead_auditor_overrides_the_sample_with_a_written_reason(audit, users):
    codes = ["angers", "tours", "lille"]
    ids = list(Centre.objects.filter(code__in=codes).values_list("pk", flat=True))
    with pytest.raises(services.LabelError, match="motif du changement est obligatoire"):
        services.audit_sites_override(
            audit_id=audit.pk, centre_ids=ids, reason=" ", by=users[Role.AUDITOR]
        )
    services.audit_sites_override(
        audit_id=audit.pk,
        centre_ids=ids,
        reason="Sites retenus avec le client.",
        by=users[Role.AUDITOR],
    )
    assert sorted(audit.sites.values_list("centre__code", flat=True)) == sorted(codes)
    assert audit.application.events.filter(note__contains="Sites retenus").exists()


def test_a_team_member_cannot_override_the_sample(audit, second_auditor):
    with pytest.raises(PermissionDenied):
        services.audit_sites_override(
            audit_id=audit.pk, centre_ids=[1], reason="x", by=second_auditor
        )


def test_a_team_member_records_and_corrects_a_grid_entry(audit, second_auditor):
    site = audit.sites.first()
    criterion = AuditCriterion.objects.get(
        engagement__referential=audit.application.referential, code="2.2"
    )
    for conformity in (Conformity.NON_CONFORM, Conformity.PARTIAL):
        services.grid_entry_save(
            site_id=site.pk,
            criterion_id=criterion.pk,
            conformity=conformity,
            comment="Numéro surtaxé affiché.",
            by=second_auditor,
        )
    entry = GridEntry.objects.get()
    assert (entry.conformity, entry.updated_by) == (Conformity.PARTIAL, second_auditor)


def test_someone_outside_the_audit_team_cannot_fill_the_grid(audit, users, body):
    from tests.factories import make_user

    outsider = make_user(Role.AUDITOR, certification_body=body)
    criterion = AuditCriterion.objects.first()
    for person in (outsider, users[Role.DECIDER]):
        with pytest.raises(PermissionDenied):
            services.grid_entry_save(
                site_id=audit.sites.first().pk,
                criterion_id=criterion.pk,
                conformity=Conformity.CONFORM,
                by=person,
            )


def test_audit_conformity_is_weighted_and_leaves_not_applicable_out(audit, second_auditor):
    site = audit.sites.first()
    criteria = {c.code: c for c in AuditCriterion.objects.filter(engagement__number=2)}
    for code, conformity in (("2.1", "conform"), ("2.2", "non_conform"), ("2.3", "not_applicable")):
        services.grid_entry_save(
            site_id=site.pk,
            criterion_id=criteria[code].pk,
            conformity=conformity,
            by=second_auditor,
        )
    # weights 3 (conform) and 3 (non-conform); 2.3 not applicable
    assert audit_conformity(audit) == {2: 0.5}


def test_findings_are_linked_to_a_criterion_and_closed_by_the_lead_auditor(
    audit, users, second_auditor
):
    criterion = AuditCriterion.objects.get(code="4.1")
    grade(audit, "4.1", second_auditor)
    finding = services.finding_add(
        audit_id=audit.pk,
        criterion_id=criterion.pk,
        kind=FindingKind.MINOR_NC,
        description="Accusés de réception au-delà de deux semaines.",
        by=second_auditor,
        site_id=audit.sites.first().pk,
    )
    with pytest.raises(PermissionDenied):
        services.finding_close(finding_id=finding.pk, note="Corrigé.", by=second_auditor)
    services.finding_close(finding_id=finding.pk, note="Corrigé.", by=users[Role.AUDITOR])
    finding.refresh_from_db()
    assert finding.closed_at is not None


def _upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_evidence_is_stored_with_its_sha256(audit, second_auditor):
    import hashlib

    content = b"%PDF-1.7\n" + b"x" * 100
    evidence = services.evidence_add(
        audit_id=audit.pk, upload=_upload("preuve.pdf", content), by=second_auditor
    )
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content) and evidence.original_name == "preuve.pdf"
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ" + b"x" * 10, "type de fichier"),
        ("faux.pdf", b"<html>not a pdf</html>", "ne correspond pas"),
        ("image.png", b"%PDF-1.7", "ne correspond pas"),
        ("vide.pdf", b"", "vide"),
        ("../../etc/passwd.txt", b"root\x00", "ne correspond pas"),
    ],
)
def test_evidence_of_a_wrong_type_is_refused_and_nothing_is_stored(
    audit, second_auditor, name, content, message
):
    with pytest.raises(services.LabelError, match=message):
        services.evidence_add(audit_id=audit.pk, upload=_upload(name, content), by=second_auditor)
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(audit, second_auditor, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(services.LabelError, match="trop volumineux"):
        services.evidence_add(
            audit_id=audit.pk, upload=_upload("gros.pdf", b"%PDF-" + b"x" * 1100), by=second_auditor
        )
    assert not Evidence.objects.exists()


def test_a_closed_audit_accepts_no_more_entries(application, users):
    drive(application, users, "audited")
    audit = application.audits.get()
    with pytest.raises(services.LabelError, match="clos"):
        services.grid_entry_save(
            site_id=audit.sites.first().pk,
            criterion_id=AuditCriterion.objects.first().pk,
            conformity=Conformity.CONFORM,
            by=users[Role.AUDITOR],
        )


def test_grid_fields_carry_the_engagement_s_wording(client, audit, users):
    """A grid's fieldsets read only « Engagement N — code »."""
    site = audit.sites.first()
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:audit_grid", kwargs={"pk": audit.pk, "site_pk": site.pk})
    html = unescape(client.get(url).content.decode())
    assert "Engagement 1 : Dans le respect mutuel, vous êtes accueillis avec bienveillance" in html


def test_self_assessment_fields_carry_the_engagement_s_wording(client, users, referential):
    """The self-assessment said only « Engagement N » (its wording lives in the referential)."""
    client.force_login(users[Role.REFERENT])
    url = reverse("centres:self_assessment_edit", kwargs={"code": "lille", "cycle": 2025})
    html = unescape(client.get(url).content.decode())
    for engagement in referential.engagements.all():
        assert f"Engagement {engagement.number} : {engagement.title}" in html
