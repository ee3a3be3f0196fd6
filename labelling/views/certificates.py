"""Certificates: a certificate's page, its PDF, and the public verification page."""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from centres.access import STAFF_ROLES, role_required
from centres.public_cache import public_page

from ..access import (
    get_certificate,
)
from ..decision_log import chain_head
from ..enums import CertificateStatus, VerificationStatus
from ..queries import certificate_state, certificates_checked

# ---------------------------------------------------------------- certificates


@role_required(*STAFF_ROLES)
@require_GET
def certificate_detail(request, pk: int):
    certificate = get_certificate(request.user, pk)
    return render(
        request, "labelling/certificates/certificate_detail.html", {"certificate": certificate}
    )


@role_required(*STAFF_ROLES)
@require_GET
def certificate_download(request, pk: int):
    certificate = get_certificate(request.user, pk)
    if certificate.status != CertificateStatus.READY:
        raise Http404
    return FileResponse(
        certificate.file.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )


@public_page()
@login_not_required
@require_GET
def verify(request, token: str):
    certificate = get_object_or_404(
        certificates_checked().select_related(
            "decision__application__structure",
            "decision__application__certification_body",
            "replaced_by__decision",
        ),
        public_token=token,
    )
    status = certificate_state(certificate, timezone.localdate())
    return render(
        request,
        "labelling/certificates/verify.html",
        {
            "certificate": certificate,
            "decision": certificate.decision,
            "structure": certificate.decision.application.structure,
            "status": status,
            "status_label": VerificationStatus(status).label,
            "chain_head": chain_head(),
        },
    )
