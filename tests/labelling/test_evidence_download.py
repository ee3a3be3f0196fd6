"""Downloading audit evidence: only within scope, as an attachment with a safe name, checked
against the SHA-256 recorded at upload, never through a public media URL."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centres.enums import Role
from labelling import services
from tests.factories import CertificationBodyFactory, NetworkFactory, make_user

from .conftest import drive

CONTENT = b"%PDF-1.7\n" + b"preuve d'audit " * 50


@pytest.fixture
def evidence(application, users, settings, tmp_path):
    """An evidence PDF uploaded by the lead auditor on the first sampled site."""
    settings.MEDIA_ROOT = tmp_path
    drive(application, users, "audit_planned")
    audit = application.audits.get()
    return services.evidence_add(
        audit_id=audit.pk,
        upload=SimpleUploadedFile("compte-rendu écoute.pdf", CONTENT, "application/pdf"),
        site_id=audit.sites.first().pk,
        by=users[Role.AUDITOR],
    )


def _url(evidence):
    return reverse("labelling:evidence_download", kwargs={"pk": evidence.pk})


def test_the_lead_auditor_downloads_the_evidence_as_an_attachment(client, evidence, users):
    client.force_login(users[Role.AUDITOR])
    response = client.get(_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="preuve-{evidence.pk}-compte-rendu-ecoute.pdf"'
    )
    assert response["X-Evidence-SHA256"] == hashlib.sha256(CONTENT).hexdigest()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.CORRESPONDENT, 200),
        (Role.DECIDER, 200),
        (Role.DITP_ADMIN, 200),
        ("team_member", 200),
        (Role.REFERENT, 403),  # a referent reads the findings, not the auditors' files
        ("other_referent", 403),
        ("foreign_correspondent", 404),
        ("other_body_auditor", 404),
        ("no_role", 403),
    ],
)
def test_evidence_is_downloaded_only_within_scope(
    client, evidence, users, second_auditor, who, status
):
    evidence.audit.team.add(second_auditor)
    people = {
        **users,
        "team_member": second_auditor,
        "foreign_correspondent": make_user(Role.CORRESPONDENT, network=NetworkFactory()),
        "other_body_auditor": make_user(
            Role.AUDITOR, certification_body=CertificationBodyFactory()
        ),
    }
    client.force_login(people[who])
    assert client.get(_url(evidence)).status_code == status


def test_an_unknown_evidence_is_a_404(client, users, db):
    client.force_login(users[Role.DITP_ADMIN])
    url = reverse("labelling:evidence_download", kwargs={"pk": 987654})
    assert client.get(url).status_code == 404


def test_a_hostile_file_name_never_reaches_the_header(
    client, application, users, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    drive(application, users, "audit_planned")
    hostile = 'a"b\r\nSet-Cookie: x=1;\u202egpj.exe .pdf'
    evidence = services.evidence_add(
        audit_id=application.audits.get().pk,
        upload=SimpleUploadedFile(hostile, CONTENT, "text/html"),
        by=users[Role.AUDITOR],
    )
    client.force_login(users[Role.AUDITOR])
    response = client.get(_url(evidence))
    disposition = response["Content-Disposition"]
    assert (
        disposition == f'attachment; filename="preuve-{evidence.pk}-a-b-Set-Cookie-x-1-gpj-exe.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"  # the allow-list's, not the browser's


def test_a_file_altered_on_disk_gives_a_french_error_not_a_corrupted_download(
    client, evidence, users
):
    with open(evidence.file.path, "r+b") as stored:
        stored.seek(20)
        stored.write(b"ALTERED")
    client.force_login(users[Role.DECIDER])
    response = client.get(_url(evidence))
    assert response.status_code == 409
    page = response.content.decode()
    assert "ne correspond plus à l&#x27;empreinte SHA-256" in page
    assert "preuve d&#x27;audit" not in page and not response.has_header("Content-Disposition")


def test_a_file_missing_from_the_storage_gives_a_french_error(client, evidence, users):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(users[Role.DECIDER])
    response = client.get(_url(evidence))
    assert response.status_code == 409
    assert "introuvable dans le stockage" in response.content.decode()


def test_evidence_is_not_served_from_a_public_media_url(client, evidence, settings):
    public = f"{settings.MEDIA_URL}{evidence.file.name}"
    assert client.get(public).status_code in (302, 404)
    client.force_login(make_user(Role.DITP_ADMIN))
    assert client.get(public).status_code == 404


def test_the_audit_page_shows_the_link_and_the_sha256_next_to_it(client, evidence, users):
    audit_url = reverse("labelling:audit_detail", kwargs={"pk": evidence.audit_id})
    client.force_login(users[Role.AUDITOR])
    page = client.get(audit_url).content.decode()
    assert _url(evidence) in page and evidence.sha256 in page
    # A referent reads the evidence of their own centre only, without the download link.
    referent = users[Role.REFERENT]
    own = evidence.site.centre.role_assignments.filter(user=referent).exists()
    client.force_login(referent)
    page = client.get(audit_url).content.decode()
    assert _url(evidence) not in page and (evidence.sha256 in page) is own
    colleague = make_user(Role.REFERENT, centre=evidence.site.centre)
    client.force_login(colleague)
    page = client.get(audit_url).content.decode()
    assert _url(evidence) not in page and evidence.sha256 in page
