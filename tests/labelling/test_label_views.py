"""Label pages on real objects: scope, the happy path through the forms, bad input."""

import pytest
from django.urls import reverse

from centres.enums import Role
from centres.models import CertificationBody, Structure
from labelling.enums import ApplicationStatus, Conformity
from labelling.models import (
    Application,
    ApplicationEvent,
    AuditCriterion,
    Decision,
    Evidence,
    Finding,
    Referential,
)
from labelling.services import referential_version_create
from tests.factories import CertificationBodyFactory, make_user

from .conftest import confirming_decider, drive, fill_grid


def _detail(application):
    return reverse("labelling:application_detail", kwargs={"pk": application.pk})


def _action(application, action):
    return reverse("labelling:application_action", kwargs={"pk": application.pk, "action": action})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.CORRESPONDENT, 200),
        (Role.REFERENT, 200),
        (Role.AUDITOR, 200),
        (Role.DECIDER, 200),
        (Role.DITP_ADMIN, 200),
        ("foreign_referent", 404),
        ("other_body_auditor", 404),
        ("no_role", 403),
    ],
)
def test_an_application_is_visible_only_within_scope(
    client, application, users, foreign_centre, who, status
):
    people = {
        **users,
        "foreign_referent": make_user(Role.REFERENT, centre=foreign_centre),
        "other_body_auditor": make_user(
            Role.AUDITOR, certification_body=CertificationBodyFactory()
        ),
    }
    client.force_login(people[who])
    assert client.get(_detail(application)).status_code == status


def test_the_application_list_costs_a_fixed_number_of_queries(
    client, application, users, django_assert_max_num_queries
):
    client.force_login(users[Role.DECIDER])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("labelling:application_list"))
    assert "Plateforme d&#x27;assistance aux particuliers" in response.content.decode()


def test_a_correspondent_creates_and_submits_an_application_through_the_pages(
    client, users, referential, organisation
):
    client.force_login(users[Role.CORRESPONDENT])
    response = client.post(
        reverse("labelling:application_create"),
        {
            "structure": Structure.objects.get(code="dgfip-pap").pk,
            "cycle": 2026,
            "certification_body": CertificationBody.objects.get(code="organisme-demo").pk,
            "survey_start": "2025-12-01",
            "survey_end": "2026-05-31",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(cycle=2026)
    client.post(_action(application, "submit"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "Historique" in client.get(_detail(application)).content.decode()


def test_a_bad_application_form_is_a_400_and_stores_nothing(client, users, referential):
    client.force_login(users[Role.CORRESPONDENT])
    response = client.post(reverse("labelling:application_create"), {"cycle": "deux mille"})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_auditor_fills_a_grid_and_proposes_decider_decides_and_the_certificate_verifies(
    client, application, users, django_capture_on_commit_callbacks
):
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    client.force_login(users[Role.AUDITOR])
    criteria = AuditCriterion.objects.filter(engagement__referential=application.referential)
    for site in audit.sites.all():
        data = {f"c{c.pk}": Conformity.CONFORM for c in criteria}
        grid = reverse("labelling:audit_grid", kwargs={"pk": audit.pk, "site_pk": site.pk})
        assert client.post(grid, data).status_code == 302
    close = reverse("labelling:audit_post", kwargs={"pk": audit.pk, "action": "close"})
    assert client.post(close, {"conclusion": "Conforme."}).status_code == 302
    client.post(_action(application, "propose"), {"outcome": "argent", "motivation": "Bon niveau."})
    client.force_login(users[Role.DECIDER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _action(application, "decide"), {"outcome": "argent", "motivation": "Vu."}
        )
        assert response.status_code == 302
        # No survey figure here: the scorecard refuses, so Argent waits for a second decider.
        assert not Decision.objects.exists()
        client.force_login(confirming_decider())
        response = client.post(_action(application, "confirm_derogation"), {"note": "D'accord."})
    assert response.status_code == 302
    certificate = Decision.objects.get().certificate
    pdf = client.get(reverse("labelling:certificate_download", kwargs={"pk": certificate.pk}))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    client.logout()
    verify = client.get(reverse("labelling:verify", kwargs={"token": certificate.public_token}))
    assert "valide" in verify.content.decode()


def test_a_decision_without_motivation_is_a_400_and_stores_nothing(client, application, users):
    drive(application, users, "proposed")
    client.force_login(users[Role.DECIDER])
    response = client.post(_action(application, "decide"), {"outcome": "argent", "motivation": ""})
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_a_decider_from_the_audit_team_gets_a_403_from_the_page(client, application, users, body):
    auditing_decider = make_user(Role.AUDITOR, certification_body=body)
    auditing_decider.role_assignments.create(role=Role.DECIDER)
    drive(application, users, "proposed", team=[auditing_decider])
    client.force_login(auditing_decider)
    response = client.post(_action(application, "decide"), {"outcome": "or", "motivation": "Vu."})
    assert response.status_code == 403
    assert "participé à l&#x27;audit" in response.content.decode()


def test_a_step_out_of_order_is_a_409_with_a_french_message(client, application, users):
    client.force_login(users[Role.DECIDER])
    drive(application, users, "submitted")
    response = client.post(_action(application, "suspend"), {"reason": "x"})
    assert response.status_code == 409
    assert "n&#x27;est pas possible" in response.content.decode()


def test_an_unknown_action_is_a_404(client, application, users):
    client.force_login(users[Role.CORRESPONDENT])
    assert client.post(_action(application, "delete")).status_code == 404


def test_evidence_too_large_is_refused_by_the_page(client, application, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.EVIDENCE_MAX_BYTES = 100
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    client.force_login(users[Role.AUDITOR])
    upload = SimpleUploadedFile("preuve.pdf", b"%PDF-" + b"x" * 200, "application/pdf")
    url = reverse("labelling:audit_post", kwargs={"pk": audit.pk, "action": "evidence"})
    response = client.post(url, {"file": upload})
    assert response.status_code == 413 and "trop volumineux" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_finding_with_a_criterion_of_another_referential_is_refused(client, application, users):
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:audit_post", kwargs={"pk": audit.pk, "action": "finding"})
    response = client.post(url, {"kind": "major_nc", "criterion": 999999, "description": "x"})
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_the_scorecard_page_explains_each_rule_and_offers_a_what_if(client, application, users):
    drive(application, users, "audited")
    referential_version_create(
        source_id=application.referential_id, name="Projet 2026", by=users[Role.DITP_ADMIN]
    )
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:scorecard", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert "Or refusé" in page and "Aucun niveau atteint" in page
    assert "!!MISSING" not in page
    what_if = client.get(url, {"version": 2}).content.decode()
    assert "Selon la version 2 du référentiel" in what_if
    assert client.get(url, {"version": "abc"}).status_code == 400
    # str.isdigit() takes these, int() does not: a 400, not a 500.
    for odd in ("²", "①", "٣", "9" * 400):
        assert client.get(url, {"version": odd}).status_code == 400, odd
    assert client.get(url, {"version": 77}).status_code == 400
    assert Referential.objects.count() == 2


def test_the_audit_pages_open_for_the_team(client, application, users):
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    fill_grid(audit, users[Role.AUDITOR])
    client.force_login(users[Role.AUDITOR])
    page = client.get(reverse("labelling:audit_detail", kwargs={"pk": audit.pk})).content.decode()
    assert "Sites échantillonnés" in page and "20 / 20" in page and "!!MISSING" not in page
    site = audit.sites.first()
    grid = client.get(reverse("labelling:audit_grid", kwargs={"pk": audit.pk, "site_pk": site.pk}))
    assert grid.status_code == 200 and "Conforme" in grid.content.decode()
    assert "!!MISSING" not in grid.content.decode()


def test_the_audit_page_gives_each_site_select_an_id_and_a_label_of_its_own(
    client, application, users
):
    import re
    from collections import Counter

    drive(application, users, "audit_planned")
    client.force_login(users[Role.AUDITOR])
    audit = application.audits.get()
    page = client.get(reverse("labelling:audit_detail", kwargs={"pk": audit.pk})).content.decode()
    repeated = [i for i, n in Counter(re.findall(r'\bid="([^"]+)"', page)).items() if n > 1]
    assert repeated == []
    for select in ("id_site", "id_evidence_site"):
        assert f'id="{select}"' in page and f'for="{select}"' in page


def test_the_audit_report_downloads_as_a_pdf_for_the_auditor_not_the_referent(
    client, application, users, django_capture_on_commit_callbacks
):
    drive(application, users, "audited")
    audit = application.audits.get()
    url = reverse("labelling:audit_report", kwargs={"pk": audit.pk})
    client.force_login(users[Role.AUDITOR])
    with django_capture_on_commit_callbacks(execute=True):  # the build, queued on commit
        assert client.get(url).status_code == 202
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(users[Role.REFERENT])
    assert client.get(url).status_code == 403


def test_a_refused_application_shows_its_decision_and_the_appeal_form(client, application, users):
    drive(application, users, "decided", outcome="refused")
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(_detail(application)).content.decode()
    assert "Label refusé" in page and "Former un recours contre la décision" in page
    assert "!!MISSING" not in page


def test_a_note_that_changes_no_status_reads_without_an_arrow(client, users, application):
    """A sample change read « Audit planifié → Audit planifié » in the history."""
    drive(application, users, "audit_planned")
    ApplicationEvent.objects.create(
        application=application,
        at=application.events.latest("at").at,
        from_status=ApplicationStatus.AUDIT_PLANNED,
        to_status=ApplicationStatus.AUDIT_PLANNED,
        note="Échantillon modifié",
    )
    client.force_login(users[Role.AUDITOR])
    html = client.get(_detail(application)).content.decode()
    assert "Échantillon modifié" in html
    assert "Audit planifié → Audit planifié" not in html and "→ Audit planifié" in html
