"""Certificates: rendering (WeasyPrint, deny-all fetcher), Celery, idempotence, verification."""

import hashlib
import re
import zlib
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from config.celery import app as celery_app
from labelling import services
from labelling.certificates import (
    certificate_html,
    certificate_render,
    deny_all_fetcher_class,
    pdf_render,
    verification_url,
)
from labelling.enums import CertificateStatus
from labelling.models import Certificate, DecisionLogEntry
from labelling.tasks import requeue_pending_certificates
from tests.conftest import requires_broker, wait_for

from .conftest import drive, ensure_default_referential


@pytest.fixture
def certificate(application, users):
    drive(application, users, "decided")
    return Certificate.objects.get()


def pdf_streams(data: bytes) -> bytes:
    """The PDF's streams, inflated, to look for font names."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"".join(out) + data


class TagCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_the_certificate_task_goes_to_the_pdf_queue():
    route = celery_app.amqp.router.route({}, "labelling.tasks.render_certificate")
    assert route["queue"].name == "pdf"


def test_rendering_stores_the_pdf_with_its_sha256_once(certificate):
    rendered = certificate_render(certificate_id=certificate.pk)
    data = rendered.file.read()
    assert data.startswith(b"%PDF-") and b"Marianne" in pdf_streams(data)
    assert rendered.sha256 == hashlib.sha256(data).hexdigest()
    again = certificate_render(certificate_id=certificate.pk)
    assert (again.sha256, again.attempts) == (rendered.sha256, 1)
    assert DecisionLogEntry.objects.filter(kind="certificate").count() == 1


def test_the_certificate_shows_number_level_structure_centres_validity_and_qr_code(certificate):
    html = certificate_html(certificate)
    assert certificate.number in html and "Niveau Argent" in html
    assert "Plateforme d&#x27;assistance aux particuliers" in html
    assert "Centre de contact de Lille" in html and "20 centres couverts" in html
    assert "Du 26 juin 2025 au 25 juin 2028" in html
    assert "data:image/svg+xml" in html


def test_the_qr_code_points_to_the_public_verification_page(certificate, settings):
    settings.SITE_URL = "https://label.example.gouv.fr"
    url = verification_url(certificate)
    assert url == f"https://label.example.gouv.fr/label/verifier/{certificate.public_token}/"


def test_html_in_text_fields_is_shown_as_text_and_fetches_nothing(certificate):
    structure = certificate.decision.application.structure
    structure.name = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://169.254.169.254/x">'
    )
    structure.save()
    html = certificate_html(certificate)
    parser = TagCounter()
    parser.feed(html)
    assert parser.tags.count("img") == 1  # the QR code only
    assert "link" not in parser.tags and "&lt;img" in html
    fetcher = deny_all_fetcher_class()()
    pdf_render(html, fetcher)
    assert fetcher.refused == []
    assert set(fetcher.served) >= {"dsfr/dist/fonts/Marianne-Regular.woff"}


def test_the_fetcher_refuses_files_and_urls_even_in_raw_html():
    fetcher = deny_all_fetcher_class()()
    pdf_render(
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="https://static.invalid/../../settings.py">',
        fetcher,
    )
    assert len(fetcher.refused) == 3


def test_the_certificate_page_refreshes_while_the_pdf_renders(client, certificate, users):
    client.force_login(users[Role.DECIDER])
    response = client.get(reverse("labelling:certificate_detail", kwargs={"pk": certificate.pk}))
    assert '<meta http-equiv="refresh" content="3">' in response.content.decode()
    certificate_render(certificate_id=certificate.pk)
    response = client.get(reverse("labelling:certificate_detail", kwargs={"pk": certificate.pk}))
    assert "refresh" not in response.content.decode()
    download = client.get(reverse("labelling:certificate_download", kwargs={"pk": certificate.pk}))
    assert download["Content-Type"] == "application/pdf"


def _verify(client, certificate):
    return client.get(reverse("labelling:verify", kwargs={"token": certificate.public_token}))


def test_the_verification_page_says_valid_and_shows_nothing_private(client, certificate):
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    page = _verify(client, certificate).content.decode()
    assert "Ce certificat est valide" in page and certificate.sha256 in page
    assert "Argent" in page and "Plateforme d&#x27;assistance aux particuliers" in page
    assert "!!MISSING" not in page
    decision = certificate.decision
    assert decision.motivation not in page and "@" not in page.split("<footer")[0].split("<main")[1]


@pytest.mark.parametrize(
    ("step", "expected"),
    [("suspend", "suspendu"), ("withdraw", "retiré"), ("expire", "expiré")],
)
def test_the_verification_page_shows_each_status(client, certificate, users, step, expected):
    pk = certificate.decision.application_id
    if step == "suspend":
        services.label_suspend(application_id=pk, reason="x", by=users[Role.DECIDER])
    elif step == "withdraw":
        services.label_withdraw(application_id=pk, reason="x", by=users[Role.DECIDER])
    else:
        services.labels_expire(today=date(2028, 7, 1))
    assert f"Ce certificat est {expected}" in _verify(client, certificate).content.decode()


def test_an_unknown_certificate_token_is_a_404(client, db):
    assert client.get(reverse("labelling:verify", kwargs={"token": "0" * 32})).status_code == 404


@requires_broker
@pytest.mark.services
def test_a_real_celery_worker_renders_the_certificate(celery_worker_process, organisation, users):
    # Transactional like the other worker tests: migration data is re-created, not restored.
    from tests.labelling.conftest import make_application

    ensure_default_referential()
    application = make_application(users)
    drive(application, users, "decided")
    certificate = Certificate.objects.get()
    ready = wait_for(
        lambda: Certificate.objects.filter(
            pk=certificate.pk, status=CertificateStatus.READY
        ).first(),
        timeout=60,
    )
    assert ready.sha256 == hashlib.sha256(ready.file.read()).hexdigest()


def test_the_sweeper_renders_certificates_left_pending(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.PENDING, requested_at=timezone.now() - timedelta(minutes=10)
    )
    assert requeue_pending_certificates() == 1
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
