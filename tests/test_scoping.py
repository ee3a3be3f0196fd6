import pytest
from django.urls import reverse

from centres.access import get_centre, visible_centres
from centres.enums import Role

pytestmark = pytest.mark.django_db


def codes(user):
    return set(visible_centres(user).values_list("code", flat=True))


def test_a_referent_sees_only_their_own_centre(users):
    assert codes(users[Role.REFERENT]) == {"lille"}


def test_a_correspondent_sees_every_centre_of_their_network_only(users, foreign_centre):
    visible = codes(users[Role.CORRESPONDENT])
    assert len(visible) == 20
    assert "ailleurs" not in visible


@pytest.mark.parametrize("role", [Role.DITP_ADMIN, Role.AUDITOR, Role.DECIDER])
def test_national_roles_see_every_centre(users, foreign_centre, role):
    assert len(codes(users[role])) == 21


def test_a_user_without_role_sees_nothing(users):
    assert codes(users["no_role"]) == set()


def test_a_centre_outside_the_scope_is_a_404(client, users):
    client.force_login(users[Role.REFERENT])
    assert client.get(reverse("centres:detail", args=["angers"])).status_code == 404
    assert client.get(reverse("centres:detail", args=["lille"])).status_code == 200


def test_a_missing_role_is_a_403_with_a_french_message(client, users):
    client.force_login(users["no_role"])
    response = client.get(reverse("centres:list"))
    assert response.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page" in response.content.decode()


def test_get_centre_raises_404_for_another_network(users, foreign_centre):
    from django.http import Http404

    with pytest.raises(Http404):
        get_centre(users[Role.CORRESPONDENT], "ailleurs")


def test_centre_list_reads_in_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    client.force_login(users[Role.DITP_ADMIN])
    with django_assert_max_num_queries(7):
        response = client.get(reverse("centres:list"))
    assert response.content.decode().count("<tr>") == 21


# ------------------------------------------------------------------------------------------------
# Object scope: every URL that takes an object x every role x an object of ANOTHER scope (another
# centre of the structure, another structure and network, another certification body). A role
# whose scope excludes the object gets a 404 (or a 403 when its role never opens the page): a
# 200 there is a leak. The list of object URLs comes from the URL conf through the permission
# matrix: a new URL with arguments needs an entry below, or a reason in NOT_OBJECT_SCOPED.

from datetime import date  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from tests.test_permissions import ANONYMOUS, MATRIX, PRODUCT_URLS, ROLES  # noqa: E402

NATIONAL = (Role.DITP_ADMIN, Role.DECIDER)


def _statuses(default, **by_role):
    """Expected statuses: `default` for every signed-in role unless told, 302 signed out."""
    return {ANONYMOUS: 302, **dict.fromkeys(ROLES[1:], default), "no_role": 403, **by_role}


# Readers of a foreign application: the DITP and deciders (national); everyone else 404.
FOREIGN_READERS = _statuses(404, **dict.fromkeys(NATIONAL, 200))
# Pages for the auditors, correspondents, deciders and DITP only (referents 403 by role).
FOREIGN_REPORT = _statuses(404, referent=403, other_referent=403, **dict.fromkeys(NATIONAL, 200))
FOREIGN_AUDITOR_ONLY = _statuses(403, auditor=404)
# A centre of another network: national roles read it, the DGFiP correspondent and referents no.
FOREIGN_CENTRE_READERS = _statuses(404, ditp_admin=200, decider=200, auditor=200)
FOREIGN_CENTRE_REFERENT_ONLY = _statuses(403, referent=404, other_referent=404)
FOREIGN_CAMPAIGN = _statuses(403, ditp_admin=200, correspondent=404)
DITP_ONLY = _statuses(403, ditp_admin=200)
ORGANISATION = _statuses(403, ditp_admin=200, correspondent=404)
ORGANISATION_DITP = _statuses(403, ditp_admin=200)
PEOPLE = _statuses(403, ditp_admin=200, correspondent=404)
PEOPLE_POST = _statuses(403, ditp_admin=400, correspondent=404)  # in scope: empty form, 400
PEOPLE_ACT = _statuses(403, ditp_admin=302, correspondent=404)  # in scope: done, redirected

# url name -> (method, kwargs from the world, expected statuses)
OBJECT_SCOPE = {
    "labelling:application_detail": ("get", lambda w: {"pk": w.application.pk}, FOREIGN_READERS),
    "labelling:application_action": (
        "post",
        lambda w: {"pk": w.application.pk, "action": "appeal"},
        _statuses(404, ditp_admin=400, decider=400),  # in scope: the empty form is a 400
    ),
    "labelling:audit_plan": ("get", lambda w: {"pk": w.application.pk}, FOREIGN_AUDITOR_ONLY),
    "labelling:scorecard": ("get", lambda w: {"pk": w.application.pk}, FOREIGN_REPORT),
    "labelling:audit_detail": ("get", lambda w: {"pk": w.audit.pk}, FOREIGN_READERS),
    "labelling:audit_post": (
        "post",
        lambda w: {"pk": w.audit.pk, "action": "finding"},
        FOREIGN_AUDITOR_ONLY,
    ),
    # The report is built by Celery after commit (issue 16): until then readers get its 202.
    "labelling:audit_report": (
        "get",
        lambda w: {"pk": w.audit.pk},
        {**FOREIGN_REPORT, **dict.fromkeys(NATIONAL, 202)},
    ),
    "labelling:audit_grid": (
        "get",
        lambda w: {"pk": w.audit.pk, "site_pk": w.site.pk},
        FOREIGN_READERS,
    ),
    "labelling:certificate_detail": ("get", lambda w: {"pk": w.certificate.pk}, FOREIGN_READERS),
    "labelling:certificate_download": (
        "get",
        lambda w: {"pk": w.certificate.pk},
        FOREIGN_READERS,
    ),
    "labelling:finding_list": ("get", lambda w: {"pk": w.application.pk}, FOREIGN_READERS),
    "labelling:finding_close": ("get", lambda w: {"pk": w.finding.pk}, FOREIGN_AUDITOR_ONLY),
    "labelling:evidence_download": ("get", lambda w: {"pk": w.evidence.pk}, FOREIGN_REPORT),
    "centres:detail": ("get", lambda w: {"code": "ailleurs"}, FOREIGN_CENTRE_READERS),
    "centres:self_assessment_list": (
        "get",
        lambda w: {"code": "ailleurs"},
        FOREIGN_CENTRE_READERS,
    ),
    "centres:self_assessment": (
        "get",
        lambda w: {"code": "ailleurs", "cycle": 2025},
        FOREIGN_CENTRE_READERS,
    ),
    "centres:self_assessment_edit": (
        "get",
        lambda w: {"code": "ailleurs", "cycle": 2025},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "centres:self_assessment_submit": (
        "get",
        lambda w: {"code": "ailleurs", "cycle": 2025},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "centres:action_list": ("get", lambda w: {"code": "ailleurs"}, FOREIGN_CENTRE_READERS),
    "centres:action_create": ("get", lambda w: {"code": "ailleurs"}, FOREIGN_CENTRE_REFERENT_ONLY),
    "centres:action_detail": (
        "get",
        lambda w: {"code": "ailleurs", "pk": w.action.pk},
        FOREIGN_CENTRE_READERS,
    ),
    "centres:action_edit": (
        "get",
        lambda w: {"code": "ailleurs", "pk": w.action.pk},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "centres:action_close": (
        "get",
        lambda w: {"code": "ailleurs", "pk": w.action.pk},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "centres:action_abandon": (
        "get",
        lambda w: {"code": "ailleurs", "pk": w.action.pk},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "centres:action_publish": (
        "post",
        lambda w: {"code": "ailleurs", "pk": w.action.pk},
        FOREIGN_CENTRE_REFERENT_ONLY,
    ),
    "surveys:campaign_detail": ("get", lambda w: {"slug": w.campaign.slug}, FOREIGN_CAMPAIGN),
    "surveys:campaign_api_key": ("get", lambda w: {"slug": w.campaign.slug}, DITP_ONLY),
    "surveys:campaign_close": ("get", lambda w: {"slug": w.campaign.slug}, DITP_ONLY),
    "surveys:export_job": (
        "get",
        lambda w: {"pk": w.export_job.pk},
        _statuses(404, ditp_admin=200),
    ),
    "surveys:export_status": (
        "get",
        lambda w: {"pk": w.export_job.pk},
        _statuses(404, ditp_admin=200),
    ),
    "surveys:review_reply": (
        "get",
        lambda w: {"pk": w.review.pk},
        _statuses(403, referent=404, other_referent=404),
    ),
    "surveys:review_moderate": (
        "get",
        lambda w: {"pk": w.pending_review.pk},
        _statuses(403, ditp_admin=200, correspondent=404),
    ),
    "surveys:review_reject": (
        "get",
        lambda w: {"pk": w.pending_review.pk},
        _statuses(403, ditp_admin=200, correspondent=404),
    ),
    # Organisation and people (issue 14): the DITP manages everything; a correspondent only
    # their network (another network's objects are a 404); other roles never open these pages.
    "organisation:network_edit": (
        "get",
        lambda w: {"code": w.centre.structure.network.code},
        ORGANISATION_DITP,
    ),
    "organisation:structure_detail": (
        "get",
        lambda w: {"code": w.centre.structure.code},
        ORGANISATION,
    ),
    "organisation:structure_edit": (
        "get",
        lambda w: {"code": w.centre.structure.code},
        ORGANISATION,
    ),
    "organisation:centre_edit": ("get", lambda w: {"code": w.centre.code}, ORGANISATION),
    "organisation:body_edit": ("get", lambda w: {"code": w.body.code}, DITP_ONLY),
    "organisation:person_detail": ("get", lambda w: {"pk": w.person.pk}, PEOPLE),
    "organisation:person_role_add": ("post", lambda w: {"pk": w.person.pk}, PEOPLE_POST),
    "organisation:person_role_revoke": (
        "post",
        lambda w: {"pk": w.person.pk, "role_pk": w.person_role.pk},
        PEOPLE_ACT,
    ),
    "organisation:person_activation": ("post", lambda w: {"pk": w.person.pk}, PEOPLE_ACT),
    "organisation:person_invite_again": ("post", lambda w: {"pk": w.person.pk}, PEOPLE_ACT),
    "surveys:campaign_import": ("get", lambda w: {"slug": w.campaign.slug}, FOREIGN_CAMPAIGN),
}

# Object URLs whose object has no scope to cross, with the reason.
NOT_OBJECT_SCOPED = {
    "accounts:password_reset_confirm": "a reset token, not an object of a scope",
    "labelling:referential_detail": "the referential is national: one version for everyone",
    "labelling:referential_new_version": "the referential is national",
    "labelling:referential_activate": "the referential is national",
    "labelling:verify": "the public verification page of a certificate, by its token",
    "centres_public:action_plan": "a public page",
    "public_centre": "a public page",
    "surveys:open_data_csv": "public open data",
    "surveys:answer": "a survey link, by its single-use token",
    "surveys:public_reviews": "a public page",
    "surveys:review_submit": "a public form",
    "surveys:review_thanks": "a public page",
    "surveys:questionnaire_detail": "questionnaires are national (DITP only)",
    "surveys:questionnaire_new_version": "questionnaires are national (DITP only)",
    "surveys:export": "the export is cut to the requester's centres (tests/surveys/exports)",
    "surveys:export_download": "a file of the requester's job, 404 before the file exists",
    "surveys:export_job_retry": "POST on the requester's job (export_job above covers the scope)",
    "surveys:campaign_links": "POST only, DITP only (campaign_detail covers the scope)",
    "surveys:agent_contacts": "cut to the requester's centres (tests/surveys/campaigns)",
    "surveys:invitation_api": "POST by the phone platform with the campaign's API key",
    "language_switch": "a language code, not an object of a scope",
    "accounts:invitation": "an invitation link, by its single-use token",
    "sitemap_section": "a public sitemap section",
}

OBJECT_URLS = sorted(name for name in PRODUCT_URLS if MATRIX[name][0])


def test_every_object_url_has_an_other_scope_entry():
    missing = set(OBJECT_URLS) - set(OBJECT_SCOPE) - set(NOT_OBJECT_SCOPED)
    assert not missing, f"add an other-scope entry (or a reason) for {sorted(missing)}"
    assert not set(OBJECT_SCOPE) & set(NOT_OBJECT_SCOPED)
    assert set(OBJECT_SCOPE) | set(NOT_OBJECT_SCOPED) <= set(OBJECT_URLS)


class OtherScope:
    """Objects outside the DGFiP users' scope: a structure of another network certified by
    another body, with its application driven to a decision and a rendered certificate."""

    def __init__(self, users):
        from centres.models import Centre
        from labelling import services
        from labelling.certificates import certificate_render
        from labelling.models import Certificate
        from surveys.defaults import CITIZEN_CODE, default_questionnaires_seed
        from surveys.enums import ExportFormat, ExportKind
        from surveys.models import ExportJob, Question, Questionnaire
        from surveys.services.campaigns import campaign_create
        from tests.centres.factories import ActionFactory
        from tests.factories import CertificationBodyFactory, make_user
        from tests.labelling.conftest import (
            confirming_decider,
            ensure_default_referential,
            fill_grid,
            grade,
        )
        from tests.surveys.reviews.factories import ReviewFactory

        centre = Centre.objects.get(code="ailleurs")
        body = CertificationBodyFactory()
        auditor = make_user(Role.AUDITOR, certification_body=body)
        admin = users[Role.DITP_ADMIN]
        ensure_default_referential()
        self.application = services.application_create(
            structure=centre.structure,
            cycle=2025,
            certification_body=body,
            survey_start=date(2024, 12, 1),
            survey_end=date(2025, 5, 31),
            by=admin,
        )
        pk = self.application.pk
        services.application_submit(application_id=pk, by=admin)
        self.audit = services.audit_plan(
            application_id=pk,
            by=auditor,
            start_date=date(2025, 3, 3),
            end_date=date(2025, 3, 4),
            seed=1,
        )
        self.site = grade(self.audit, "1.1", auditor)
        self.finding = services.finding_add(
            audit_id=self.audit.pk,
            criterion_id=self.site.entries.get().criterion_id,
            kind="minor_nc",
            description="Constat d'ailleurs.",
            site_id=self.site.pk,
            by=auditor,
        )
        self.evidence = services.evidence_add(
            audit_id=self.audit.pk,
            upload=SimpleUploadedFile("preuve.pdf", b"%PDF-1.7\n" + b"x" * 64),
            by=auditor,
        )
        fill_grid(self.audit, auditor)
        services.audit_close(audit_id=self.audit.pk, conclusion="Fin.", by=auditor)
        services.proposal_make(application_id=pk, outcome="bronze", motivation="Vu.", by=auditor)
        services.decision_take(
            application_id=pk, outcome="bronze", motivation="Vu.", by=users[Role.DECIDER]
        )
        services.derogation_confirm(application_id=pk, note="Vu.", by=confirming_decider())
        self.certificate = certificate_render(certificate_id=Certificate.objects.get().pk)
        self.action = ActionFactory(centre=centre, in_progress=True)
        default_questionnaires_seed(Questionnaire, Question)
        self.campaign = campaign_create(
            slug="ailleurs-usagers",
            name="Usagers d'ailleurs",
            questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
            centres=[centre],
            channel="phone",
            opens_on=date(2025, 1, 6),
            closes_on=date(2025, 2, 28),
        )
        self.export_job = ExportJob.objects.create(
            requested_by=admin,
            campaign=self.campaign,
            kind=ExportKind.RESULTS,
            fmt=ExportFormat.CSV,
        )
        self.review = ReviewFactory(centre=centre, published=True)
        self.pending_review = ReviewFactory(centre=centre)
        self.centre, self.body = centre, body
        self.person = make_user(Role.REFERENT, centre=centre)
        self.person_role = self.person.role_assignments.get()


@pytest.mark.parametrize("role", ROLES)
def test_no_object_of_another_scope_opens(client, users, foreign_centre, role):
    world = OtherScope(users)
    if role != ANONYMOUS:
        client.force_login(users[role])
    wrong = []
    for name, (method, kwargs_of, expected) in sorted(OBJECT_SCOPE.items()):
        url = reverse(name, kwargs=kwargs_of(world))
        response = getattr(client, method)(url)
        if response.status_code != expected[role]:
            wrong.append(f"{name}: {response.status_code} (expected {expected[role]})")
    assert not wrong, f"as {role}: " + "; ".join(wrong)


# ---------------------------------------------------------------- another centre, same structure


@pytest.fixture
def audit_of_lille_and_angers(users):
    """The DGFiP audit on Lille and Angers, with a non-conformity found at Angers."""
    from labelling import services
    from tests.labelling.conftest import drive, grade, make_application

    application = drive(make_application(users), users, "audit_planned")
    audit = application.audits.get()
    lead = users[Role.AUDITOR]
    centres = {c.code: c for c in Centre.objects.filter(code__in=["lille", "angers"])}
    services.audit_sites_override(
        audit_id=audit.pk,
        centre_ids=[c.pk for c in centres.values()],
        reason="Deux sites.",
        by=lead,
    )
    angers = audit.sites.get(centre__code="angers")
    grade(audit, "2.2", lead, site=angers)
    services.finding_add(
        audit_id=audit.pk,
        criterion_id=angers.entries.get().criterion_id,
        kind="minor_nc",
        description="Numéro surtaxé à Angers.",
        site_id=angers.pk,
        by=lead,
    )
    return audit, angers


from centres.models import Centre  # noqa: E402


def test_a_referent_opens_only_their_own_centre_grid(client, users, audit_of_lille_and_angers):
    audit, angers = audit_of_lille_and_angers
    url = reverse("labelling:audit_grid", kwargs={"pk": audit.pk, "site_pk": angers.pk})
    expected = {Role.REFERENT: 404, "other_referent": 200, Role.CORRESPONDENT: 200}
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, role


def test_a_referent_reads_only_their_own_centre_findings_and_sites(
    client, users, audit_of_lille_and_angers
):
    audit, angers = audit_of_lille_and_angers
    findings = reverse("labelling:finding_list", kwargs={"pk": audit.application_id})
    detail = reverse("labelling:audit_detail", kwargs={"pk": audit.pk})
    grid = reverse("labelling:audit_grid", kwargs={"pk": audit.pk, "site_pk": angers.pk})
    client.force_login(users[Role.REFERENT])
    assert "Numéro surtaxé à Angers." not in client.get(findings).content.decode()
    page = client.get(detail).content.decode()
    assert "Numéro surtaxé à Angers." not in page and grid not in page
    client.force_login(users["other_referent"])
    assert "Numéro surtaxé à Angers." in client.get(findings).content.decode()
    assert grid in client.get(detail).content.decode()


def test_links_are_shown_only_to_those_who_may_open_them(client, users, audit_of_lille_and_angers):
    audit, _angers = audit_of_lille_and_angers
    pages = [
        reverse("labelling:application_detail", kwargs={"pk": audit.application_id}),
        reverse("labelling:finding_list", kwargs={"pk": audit.application_id}),
        reverse("labelling:audit_detail", kwargs={"pk": audit.pk}),
    ]
    scorecard = reverse("labelling:scorecard", kwargs={"pk": audit.application_id})
    for role in ROLES[1:]:
        if role == "no_role":
            continue
        client.force_login(users[role])
        for url in pages:
            page = client.get(url)
            if page.status_code != 200:
                continue
            for href in _links(page.content.decode()):
                # 202: the audit report is being built (issue 16), a page that says so.
                status = client.get(href).status_code
                assert status in (200, 202, 302), f"{role}: {href} on {url}"
            shown = scorecard in page.content.decode()
            assert not shown or client.get(scorecard).status_code == 200, (role, url)


def _links(html: str) -> list[str]:
    import re

    return sorted(set(re.findall(r'href="(/label/[^"#?]*)', html)))
