"""A decision is saved even when its certificate cannot be queued; the sweeper queues it later."""

import pytest

from labelling.enums import CertificateStatus
from labelling.models import Certificate
from labelling.tasks import render_certificate, render_certificate_dispatch

from .conftest import drive


def _result_store_down(*args, **kwargs):
    # What Celery raises when the Redis result backend cannot be reached.
    raise RuntimeError("Retry limit exceeded while trying to reconnect to the result store")


@pytest.mark.django_db
def test_a_failing_dispatch_leaves_the_certificate_pending_without_raising(
    application, users, monkeypatch, caplog
):
    monkeypatch.setattr(render_certificate, "delay", _result_store_down)
    drive(application, users, "decided")
    certificate = Certificate.objects.get()
    assert certificate.status == CertificateStatus.PENDING
    render_certificate_dispatch(certificate.pk)
    assert "certificate_dispatch_failed" in caplog.text
