"""Certificate PDFs: WeasyPrint with a deny-all URL fetcher, a QR code to the public page.

Nothing in the document comes from the network or the disk except the allow-listed font
files; every text field goes through Django's autoescaping, so HTML typed by a user is shown
as text, never interpreted."""

import hashlib
import logging
import mimetypes
from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from centres.notifications import notify_on_commit
from centres.site import site_url

from .decision_log import log_append
from .enums import CertificateStatus, LogKind
from .models import Certificate

logger = logging.getLogger(__name__)

# The only files a certificate may load, by the path used in its stylesheet.
STATIC_BASE = "https://static.invalid/"
ALLOWED_STATIC = {
    "dsfr/dist/fonts/Marianne-Regular.woff",
    "dsfr/dist/fonts/Marianne-Bold.woff",
    "dsfr/dist/fonts/Marianne-Medium.woff",
}


def _weasyprint():
    # Imported on first use (about 0.9 s), once per worker process.
    import weasyprint

    return weasyprint


class RefusedFetch(ValueError):
    pass


def deny_all_fetcher_class():
    """A WeasyPrint URL fetcher that serves data: URIs and allow-listed static files only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DenyAllFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_BASE):
                relative = url.removeprefix(STATIC_BASE)
                if relative in ALLOWED_STATIC:
                    path = finders.find(relative)
                    if path:
                        self.served.append(relative)
                        content_type = mimetypes.guess_type(path)[0] or "font/woff"
                        return URLFetcherResponse(
                            url, Path(path).read_bytes(), {"Content-Type": content_type}
                        )
            self.refused.append(url)
            logger.warning("certificate_fetch_refused url_length=%s", len(url))
            raise RefusedFetch("resource refused by the certificate's URL fetcher")

    return DenyAllFetcher


def verification_url(certificate: Certificate) -> str:
    """Absolute URL of the public verification page (encoded in the QR code)."""
    path = reverse("labelling:verify", kwargs={"token": certificate.public_token})
    return f"{site_url()}{path}"


def certificate_html(certificate: Certificate) -> str:
    """The certificate's HTML (autoescaped), with its QR code as a data: URI."""
    decision = certificate.decision
    application = decision.application
    url = verification_url(certificate)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    return render_to_string(
        "labelling/certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "decision": decision,
            "application": application,
            "structure": application.structure,
            "centres": list(application.structure.centres.order_by("city")),
            "verification_url": url,
            "qr_data_uri": qr,
            "static_base": STATIC_BASE,
        },
    )


def pdf_render(html: str, fetcher=None) -> bytes:
    """Render HTML to PDF with the deny-all fetcher."""
    weasyprint = _weasyprint()
    fetcher = fetcher or deny_all_fetcher_class()()
    return weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf()


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render and store a certificate once (idempotent: a ready certificate is left alone)."""
    certificate = Certificate.objects.select_related("decision__application__structure").get(
        pk=certificate_id
    )
    if certificate.status == CertificateStatus.READY:
        return certificate
    # Rendering happens outside the transaction: it takes time and holds no lock.
    pdf = pdf_render(certificate_html(certificate))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.status == CertificateStatus.READY:
            return locked
        locked.file.save(f"{locked.number}.pdf", ContentFile(pdf), save=False)
        locked.sha256 = digest
        locked.size = len(pdf)
        locked.status = CertificateStatus.READY
        locked.rendered_at = timezone.now()
        locked.attempts += 1
        locked.error = ""
        locked.save(
            update_fields=["file", "sha256", "size", "status", "rendered_at", "attempts", "error"]
        )
        notify_on_commit("certificate_ready", locked)
        log_append(
            kind=LogKind.CERTIFICATE,
            application_id=certificate.decision.application_id,
            actor=None,
            payload={
                "certificate": locked.number,
                "decision": locked.decision_id,
                "sha256": digest,
            },
        )
    logger.info("certificate_rendered number=%s bytes=%s", locked.number, len(pdf))
    return locked


def certificate_mark_failed(*, certificate_id: int, error: str) -> None:
    """Record a failed rendering (after the last retry)."""
    Certificate.objects.filter(pk=certificate_id).exclude(status=CertificateStatus.READY).update(
        status=CertificateStatus.FAILED, error=error[:200]
    )


def audit_report_pdf(audit) -> bytes:
    """The audit report (grids per site, findings, evidence hashes) as a PDF, same fetcher."""
    from .models import GridEntry

    entries = GridEntry.objects.filter(site__audit=audit).select_related("criterion", "site")
    by_site: dict[int, list] = {}
    for entry in entries.order_by("criterion__engagement__number", "criterion__code"):
        by_site.setdefault(entry.site_id, []).append(entry)
    sites = audit.sites.select_related("centre").order_by("centre__city")
    html = render_to_string(
        "labelling/audits/audit_report_pdf.html",
        {
            "audit": audit,
            "application": audit.application,
            "team": audit.team.order_by("full_name"),
            "grid": [(site, by_site.get(site.pk, [])) for site in sites],
            "findings": audit.findings.select_related("criterion", "site__centre"),
            "evidence": audit.evidence.select_related("site__centre"),
            "static_base": STATIC_BASE,
        },
    )
    return pdf_render(html)
