"""The label journey in the browser: the auditor fills a grid and proposes, a decider who did
not audit decides (a derogation here, confirmed by a second decider), the certificate downloads
and its QR code's URL says « valide »."""

from datetime import date

from centres.enums import Role
from centres.models import Centre
from labelling import services
from labelling.certificates import verification_url
from labelling.models import Certificate
from tests.labelling.conftest import (
    confirming_decider,
    ensure_default_referential,
    make_application,
)

from .conftest import BROWSER_MARKS, axe_check, force_login

pytestmark = BROWSER_MARKS


def _audit_with_one_site(users):
    ensure_default_referential()
    application = make_application(users)
    services.application_submit(application_id=application.pk, by=users[Role.CORRESPONDENT])
    audit = services.audit_plan(
        application_id=application.pk,
        by=users[Role.AUDITOR],
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 28),
        seed=1,
    )
    services.audit_sites_override(
        audit_id=audit.pk,
        centre_ids=[Centre.objects.get(code="lille").pk],
        reason="Un seul site pour le test.",
        by=users[Role.AUDITOR],
    )
    return application, audit


def test_auditor_proposes_decider_decides_and_the_certificate_verifies(page, users, shot, settings):
    settings.SITE_URL = page.context.live_server_url
    application, audit = _audit_with_one_site(users)
    force_login(page, users[Role.AUDITOR])
    page.goto(f"/label/audits/{audit.pk}/")
    page.get_by_role("link", name="Centre de contact de Lille").click()
    for select in page.locator("main select").all():
        select.select_option("conform")
    axe_check(page, "audit grid filled in")
    shot(page, "grid")
    page.get_by_role("button", name="Enregistrer la grille").click()
    page.get_by_label("Conclusion").fill("Site conforme.")
    page.get_by_role("button", name="Clore l'audit").last.click()
    page.get_by_label("Résultat").select_option("argent")
    page.get_by_label("Motivation").fill("Niveau Argent au vu du tableau de résultats.")
    page.get_by_role("button", name="Proposer").click()
    assert page.get_by_text("Votre proposition est enregistrée.").is_visible()
    page.context.clear_cookies()
    force_login(page, users[Role.DECIDER])
    page.goto(f"/label/candidatures/{application.pk}/scores/")
    axe_check(page, "scorecard")
    page.goto(f"/label/candidatures/{application.pk}/")
    page.get_by_label("Résultat").select_option("argent")
    page.get_by_label("Motivation").fill("Conforme à la proposition.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    # No survey figures here: the scorecard refuses, so Argent waits for a second decider.
    assert page.get_by_text("elle attend la confirmation d’un second décideur").is_visible()
    shot(page, "derogation waiting")
    page.context.clear_cookies()
    force_login(page, confirming_decider())
    page.goto(f"/label/candidatures/{application.pk}/")
    axe_check(page, "derogation to confirm")
    page.get_by_label("Votre motivation").first.fill("Je confirme au vu du dossier.")
    # The certificate renders in-process after commit here (eager Celery): allow for it.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Confirmer", exact=True).click(no_wait_after=True)
    shot(page, "decided")
    page.get_by_role("link", name="Certificat SPP-").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le certificat (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    axe_check(page, "certificate ready")
    page.context.clear_cookies()
    page.goto(verification_url(Certificate.objects.get()))
    assert "ce certificat est valide" in page.locator("main").inner_text().lower()
    axe_check(page, "public verification page")
