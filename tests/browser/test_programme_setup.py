"""Acceptance of issue 14: from a fresh database holding only a DITP administrator, the whole
DGFiP case is set up through the product's pages, never the admin: the network, the platform
and its 20 centres (CSV import), the certification body, people of every role invited and
choosing their password, a campaign and an institute's answer sheets imported into it, the
application, the audit, the proposal, the decision and the certificate."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from centres.demo import DGFIP_CENTRES
from centres.enums import Role
from centres.models import Centre, User
from labelling.models import Application, Certificate
from surveys.models import Response, SurveyImport
from tests.factories import TEST_PASSWORD, make_user

from .conftest import BROWSER_MARKS, axe_check, login

pytestmark = BROWSER_MARKS

PASSWORD = "mot-de-passe-du-programme-2025"


def _fill(page, field, value):
    page.locator(f"main #id_{field}").fill(value)


def _invite(page, email, name, role, scope_label=None, scope=None, lead=False):
    page.goto("/organisation/personnes/inviter/")
    _fill(page, "email", email)
    _fill(page, "full_name", name)
    page.locator("#id_role").select_option(role)
    if scope_label:
        page.locator(f"#id_{scope_label}").select_option(label=scope)
    if lead:
        page.locator("label[for=id_is_body_lead]").click()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert page.get_by_text("est invité(e)").is_visible(), email


def _accept(page, email):
    message = [m for m in mail.outbox if m.to == [email]][-1]
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    _fill(page, "new_password1", PASSWORD)
    _fill(page, "new_password2", PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert page.get_by_text("Votre mot de passe est enregistré").is_visible()


def _sign_in(page, email):
    page.context.clear_cookies()
    login(page, User.objects.get(email=email), password=PASSWORD)


def _upload(page, name, content: bytes, button):
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name=button).click()


def test_the_dgfip_case_is_set_up_through_the_pages_alone(page, shot, settings):
    # Transactional browser tests empty every table: the migrations' data (referential,
    # default questionnaires) as a fresh database has it.
    from surveys.defaults import default_questionnaires_seed
    from surveys.models import Question, Questionnaire
    from tests.labelling.conftest import ensure_default_referential

    ensure_default_referential()
    default_questionnaires_seed(Questionnaire, Question)
    settings.SITE_URL = page.context.live_server_url
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    ditp = make_user(Role.DITP_ADMIN)
    assert User.objects.count() == 1 and not Centre.objects.exists()
    login(page, ditp, password=TEST_PASSWORD)

    # Organisation: the network, then the platform and its 20 centres from a CSV.
    page.goto("/organisation/reseaux/nouveau/")
    _fill(page, "code", "dgfip")
    _fill(page, "name", "Direction générale des Finances publiques")
    page.get_by_role("button", name="Enregistrer").click()
    lines = [
        "code_reseau;code_structure;nom_structure;typologie;code_centre;nom_centre;ville;code_postal;agents"
    ]
    for code, city, postal in DGFIP_CENTRES:
        lines.append(
            f"dgfip;dgfip-pap;Plateforme d'assistance aux particuliers;Centre de contact "
            f"téléphonique;{code};Centre de contact de {city};{city};{postal};40"
        )
    page.goto("/organisation/import/")
    _upload(page, "centres.csv", "\n".join(lines).encode(), "Prévisualiser l'import")
    assert page.get_by_text("20 centres à créer, 0 à mettre à jour").is_visible()
    shot(page, "organisation preview")
    page.get_by_role("button", name="Confirmer l'import").click()
    assert Centre.objects.filter(structure__code="dgfip-pap", agents_count=40).count() == 20
    page.goto("/organisation/organismes/nouveau/")
    _fill(page, "code", "organisme-demo")
    _fill(page, "name", "Organisme certificateur de démonstration")
    page.get_by_role("button", name="Enregistrer").click()

    # People of every role, each choosing their password from the e-mailed link.
    people = [
        (
            "correspondante@dgfip.example.org",
            "Claire Correspondante",
            Role.CORRESPONDENT,
            "network",
            "Direction générale des Finances publiques",
            False,
        ),
        (
            "referent.lille@dgfip.example.org",
            "Rémi Référent",
            Role.REFERENT,
            "centre",
            "Centre de contact de Lille",
            False,
        ),
        (
            "auditrice@organisme.example.org",
            "Alice Auditrice",
            Role.AUDITOR,
            "certification_body",
            "Organisme certificateur de démonstration",
            True,
        ),
        ("decideur@commission.example.org", "Denis Décideur", Role.DECIDER, None, None, False),
        ("decideuse@commission.example.org", "Diane Décideuse", Role.DECIDER, None, None, False),
    ]
    for email, name, role, scope_label, scope, lead in people:
        _invite(page, email, name, role, scope_label, scope, lead)
    for email, *_rest in people:
        _accept(page, email)
    correspondent, _referent, auditor, decider, second_decider = (p[0] for p in people)

    # A campaign, and an institute's answer sheets imported into it.
    page.context.clear_cookies()
    login(page, ditp, password=TEST_PASSWORD)
    today = timezone.localdate()
    page.goto("/enquetes/campagnes/nouvelle/")
    _fill(page, "name", "Enquête usagers 2025 (institut)")
    _fill(page, "slug", "usagers-2025-institut")
    _fill(page, "opens_on", (today - timedelta(days=60)).isoformat())
    _fill(page, "closes_on", (today - timedelta(days=1)).isoformat())
    citizen = page.locator("#id_questionnaire option", has_text="usagers").first
    page.locator("#id_questionnaire").select_option(citizen.get_attribute("value"))
    for box in page.locator("main input[type=checkbox][name=centres]").all():
        box.check(force=True)
    page.get_by_role("button", name="Créer la campagne").click()
    shot(page, "campaign created")
    page.goto("/enquetes/campagnes/usagers-2025-institut/import/")
    sheets = ["code_centre;date;e1;e2;e3;e5;overall;comment"]
    for n in range(60):
        code = DGFIP_CENTRES[n % 20][0]
        answered = (today - timedelta(days=2 + n % 20)).strftime("%d/%m/%Y")
        sheets.append(f"{code};{answered};very;very;rather;very;very;")
    _upload(page, "institut.csv", "\n".join(sheets).encode(), "Prévisualiser l'import")
    page.get_by_role("button", name="Confirmer l'import").click()
    assert SurveyImport.objects.get().sheets == 60 == Response.objects.count()

    # The application, by the network's correspondent.
    _sign_in(page, correspondent)
    page.goto("/label/candidatures/nouvelle/")
    page.locator("#id_structure").select_option(label="Plateforme d'assistance aux particuliers")
    _fill(page, "cycle", str(today.year))
    page.locator("#id_certification_body").select_option(
        label="Organisme certificateur de démonstration"
    )
    _fill(page, "survey_start", (today - timedelta(days=60)).isoformat())
    _fill(page, "survey_end", (today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Créer le brouillon").click()
    application = Application.objects.get()
    page.get_by_role("button", name="Déposer").click()
    shot(page, "submitted")

    # The audit: planned, every sampled site's grid filled, closed, a level proposed.
    _sign_in(page, auditor)
    page.goto(f"/label/candidatures/{application.pk}/audit/")
    _fill(page, "start_date", (today - timedelta(days=7)).isoformat())
    _fill(page, "end_date", today.isoformat())
    page.get_by_role("button", name="Planifier et tirer les sites").click()
    audit_url = page.url
    sites = [link.get_attribute("href") for link in page.locator("main a[href*='/grille/']").all()]
    assert sites
    for site in sites:
        page.goto(site)
        for select in page.locator("main select").all():
            select.select_option("conform")
        page.get_by_role("button", name="Enregistrer la grille").click()
    page.goto(audit_url)
    page.get_by_label("Conclusion").fill("Audit de terrain conforme.")
    page.get_by_role("button", name="Clore l'audit").last.click()
    page.get_by_label("Résultat").select_option("argent")
    page.get_by_label("Motivation").fill("Niveau Argent au vu du tableau de résultats.")
    page.get_by_role("button", name="Proposer").click()
    assert page.get_by_text("Votre proposition est enregistrée.").is_visible()

    # The decision, by a decider who did not audit, and the certificate.
    _sign_in(page, decider)
    page.goto(f"/label/candidatures/{application.pk}/")
    page.get_by_label("Résultat").select_option("argent")
    page.get_by_label("Motivation").fill("Conforme à la proposition.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    if not Certificate.objects.exists():
        # Above the scorecard (a small imported sample): a derogation, which a second decider
        # confirms on the same page.
        _sign_in(page, second_decider)
        page.goto(f"/label/candidatures/{application.pk}/")
        form = page.locator(
            "main form", has=page.get_by_role("button", name="Confirmer", exact=True)
        )
        form.locator("textarea").fill("Dérogation confirmée au vu du rapport d'audit.")
        with page.expect_navigation(timeout=90_000):
            form.get_by_role("button", name="Confirmer", exact=True).click(no_wait_after=True)
    page.get_by_role("link", name="Certificat SPP-").click()
    assert Certificate.objects.get().status == "ready"
    shot(page, "certificate")

    # The correspondent was told of each step, in the product.
    _sign_in(page, correspondent)
    page.goto("/notifications/")
    text = page.locator("main").inner_text()
    assert "Décision de label" in text and "Certificat prêt" in text
    axe_check(page, "notifications after the whole case")
    assert not [url for url in visited if "/gestion-interne/" in url]
