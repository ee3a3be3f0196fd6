"""Evidence uploads: stopped as soon as they pass the limit, refusals that say what happened
(413 too large, 415 a type not accepted, 400 a content that does not match), French unchanged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from centres.enums import Role
from centres.uploads import BODY_MARGIN_BYTES, SizeLimitedUploadHandler
from labelling.models import Evidence

from .conftest import drive

pytestmark = pytest.mark.django_db

TOO_LARGE = "Le fichier est trop volumineux (10 Mo au plus)."


@pytest.fixture
def evidence_url(application, users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    drive(application, users, "audit_planned")
    client.force_login(users[Role.AUDITOR])
    audit = application.audits.get()
    return reverse("labelling:audit_post", kwargs={"pk": audit.pk, "action": "evidence"})


class CountingInput:
    """A request body of `size` bytes made on demand, that counts what the server reads."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.read_bytes = head, size, 0

    def read(self, size=-1):
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        start, self.read_bytes = self.read_bytes, self.read_bytes + size
        return (self.head[start : start + size]).ljust(size, b"x")

    def readline(self, size=-1):
        return self.read(size)


def wsgi_post(client, url, body, content_type):
    """POST through the WSGI handler, as gunicorn does, with the client's session cookie."""
    request = RequestFactory().post(url, data=b"", content_type=content_type)
    environ = dict(request.environ)
    environ.update(
        CONTENT_LENGTH=str(body.size),
        HTTP_COOKIE=client.cookies.output(header="", sep=";").strip(),
    )
    environ["wsgi.input"] = body
    statuses = []
    # As Django's test client does: the request signals would close the connection that
    # holds the test's transaction (PostgreSQL), which a real server does not have.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        text = b"".join(response).decode()
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0]), text


def test_a_100_mb_upload_is_refused_before_its_body_is_read(client, evidence_url):
    boundary = "limite"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="gros.pdf"'
    body = CountingInput(head.encode() + b"\r\n\r\n%PDF-", 100 * 1024 * 1024)
    content_type = f"multipart/form-data; boundary={boundary}"
    status, page = wsgi_post(client, evidence_url, body, content_type)
    assert status == 413 and TOO_LARGE in page
    assert body.read_bytes == 0
    assert not Evidence.objects.exists()


def test_a_file_just_over_the_limit_is_stopped_by_the_upload_handler(
    client, evidence_url, settings
):
    settings.UPLOAD_MAX_BYTES = settings.EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    over = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024), "application/pdf")
    response = client.post(evidence_url, {"file": over})
    assert response.status_code == 413 and TOO_LARGE in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_upload_handler_stops_at_the_first_chunk_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    request = RequestFactory().post("/")
    handler = SizeLimitedUploadHandler(request)
    handler.handle_raw_input(io.BytesIO(), {}, 1000 + BODY_MARGIN_BYTES, "b")
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload) as stop:
        handler.receive_data_chunk(b"x" * 600, 600)
    assert request.upload_too_large and not stop.value.connection_reset


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("script.exe", b"MZ" + b"x" * 10, 415, "Ce type de fichier n&#x27;est pas accepté"),
        ("faux.pdf", b"<html>not a pdf</html>", 400, "ne correspond pas à son type"),
        ("notes.txt", b"root\x00x", 400, "ne correspond pas à son type"),
    ],
)
def test_a_refused_file_says_what_happened(client, evidence_url, name, content, status, message):
    response = client.post(evidence_url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_file_over_a_lower_evidence_limit_is_a_413(client, evidence_url, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    upload = SimpleUploadedFile("preuve.pdf", b"%PDF-" + b"x" * 200, "application/pdf")
    response = client.post(evidence_url, {"file": upload})
    assert response.status_code == 413 and "trop volumineux" in response.content.decode()
