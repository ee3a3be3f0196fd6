"""Every URL of the product x every role -> the expected status.

The list of URLs comes from the URL conf: a new URL without an entry here fails the test."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from centres.enums import Role

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *Role.values, "other_referent", "no_role"]
SIGNED_IN = [r for r in ROLES if r != ANONYMOUS]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, **overrides):
    return {ANONYMOUS: 302, **dict.fromkeys(SIGNED_IN, status), **overrides}


def signed_out_only(status):
    return {ANONYMOUS: status, **dict.fromkeys(SIGNED_IN, 302)}


# centres: an action of Lille with this id exists during the matrix test (fixture below).
MATRIX_ACTION_PK = 424242
LILLE_READERS = ({"code": "lille"}, signed_in(200, no_role=403, other_referent=404))
LILLE_REFERENT_ONLY = signed_in(403, referent=200, other_referent=404)
# surveys: a pending and a published citizen review of Lille (fixture below).
MATRIX_PENDING_REVIEW_PK = 424243
MATRIX_PUBLISHED_REVIEW_PK = 424244
# surveys: a questionnaire version with this id exists during the matrix test (fixture below).
MATRIX_QUESTIONNAIRE_PK = 424260
# surveys: a running campaign of the DGFiP platform (fixture below).
MATRIX_CAMPAIGN = {"slug": "matrice-campagne"}
CAMPAIGN_READERS = signed_in(403, ditp_admin=200, correspondent=200)
# centres: organisation pages (the DITP everywhere, the correspondent within the DGFiP network).
ORGANISATION_MANAGERS = signed_in(403, ditp_admin=200, correspondent=200)
DITP_ONLY = signed_in(403, ditp_admin=200)

# url name -> (kwargs, {role: status})
MATRIX = {
    "home": ({}, everyone(200)),
    "search": ({}, everyone(200)),
    "robots_txt": ({}, everyone(200)),
    "sitemap_index": ({}, everyone(200)),
    "sitemap_section": ({"section": "centres"}, everyone(200)),
    "accessibility": ({}, everyone(200)),
    "legal_notice": ({}, everyone(200)),
    "personal_data": ({}, everyone(200)),
    "healthz": ({}, everyone(200)),
    "language_switch": ({"code": "en"}, everyone(302)),
    "dashboard": ({}, signed_in(200)),
    "accounts:login": ({}, signed_out_only(200)),
    "accounts:logout": ({}, signed_in(405)),  # POST only
    "accounts:password_reset": ({}, everyone(200)),
    "accounts:password_reset_done": ({}, everyone(200)),
    "accounts:password_reset_confirm": ({"uidb64": "MQ", "token": "abc-def"}, everyone(200)),
    "accounts:password_reset_complete": ({}, everyone(200)),
    "centres:list": ({}, signed_in(200, no_role=403)),
    "centres:detail": ({"code": "lille"}, signed_in(200, no_role=403, other_referent=404)),
    # labelling: no application exists in the matrix, so pages are 404 once the role passes;
    # tests/labelling/test_label_views.py opens them on real objects, in and out of scope.
    "labelling:application_list": ({}, signed_in(200, no_role=403)),
    "labelling:application_create": ({}, signed_in(403, correspondent=200, ditp_admin=200)),
    "labelling:application_detail": ({"pk": 1}, signed_in(404, no_role=403)),
    "labelling:application_action": ({"pk": 1, "action": "submit"}, signed_in(405, no_role=403)),
    "labelling:audit_plan": ({"pk": 1}, signed_in(403, auditor=404)),
    "labelling:scorecard": (
        {"pk": 1},
        signed_in(404, referent=403, other_referent=403, no_role=403),
    ),
    "labelling:audit_detail": ({"pk": 1}, signed_in(404, no_role=403)),
    "labelling:audit_post": ({"pk": 1, "action": "finding"}, signed_in(403, auditor=405)),
    "labelling:audit_grid": ({"pk": 1, "site_pk": 1}, signed_in(404, no_role=403)),
    "labelling:audit_report": (
        {"pk": 1},
        signed_in(404, referent=403, other_referent=403, no_role=403),
    ),
    "labelling:certificate_detail": ({"pk": 1}, signed_in(404, no_role=403)),
    "labelling:certificate_download": ({"pk": 1}, signed_in(404, no_role=403)),
    "labelling:appeal_queue": ({}, signed_in(403, ditp_admin=200, decider=200)),
    "labelling:decision_log": ({}, signed_in(403, ditp_admin=200, decider=200)),
    "labelling:decision_log_verify": ({}, signed_in(403, ditp_admin=405, decider=405)),
    "labelling:referential_list": ({}, signed_in(403, ditp_admin=200, decider=200)),
    # labelling: findings follow-up, evidence download, referential versions (version 1, in
    # force, exists: it comes with the migrations; putting it in force again is a 409).
    "labelling:finding_list": ({"pk": 1}, signed_in(404, no_role=403)),
    "labelling:finding_close": ({"pk": 1}, signed_in(403, auditor=404)),
    "labelling:evidence_download": (
        {"pk": 1},
        signed_in(404, referent=403, other_referent=403, no_role=403),
    ),
    "labelling:referential_detail": ({"pk": 1}, signed_in(403, ditp_admin=200, decider=200)),
    "labelling:referential_new_version": ({"pk": 1}, signed_in(403, ditp_admin=200)),
    "labelling:referential_activate": ({"pk": 1}, signed_in(403, ditp_admin=409)),
    "labelling:verify": ({"token": "0" * 32}, everyone(404)),
    # centres: self-assessment and action plan (readers in scope; writes: Lille's referent only).
    "centres:self_assessment_list": LILLE_READERS,
    "centres:self_assessment": ({"code": "lille", "cycle": 2025}, LILLE_READERS[1]),
    "centres:self_assessment_edit": ({"code": "lille", "cycle": 2025}, LILLE_REFERENT_ONLY),
    "centres:self_assessment_submit": ({"code": "lille", "cycle": 2025}, LILLE_REFERENT_ONLY),
    "centres:action_list": LILLE_READERS,
    "centres:action_create": ({"code": "lille"}, LILLE_REFERENT_ONLY),
    "centres:action_detail": ({"code": "lille", "pk": MATRIX_ACTION_PK}, LILLE_READERS[1]),
    "centres:action_edit": ({"code": "lille", "pk": MATRIX_ACTION_PK}, LILLE_REFERENT_ONLY),
    "centres:action_close": ({"code": "lille", "pk": MATRIX_ACTION_PK}, LILLE_REFERENT_ONLY),
    "centres:action_abandon": ({"code": "lille", "pk": MATRIX_ACTION_PK}, LILLE_REFERENT_ONLY),
    "centres:action_publish": (
        {"code": "lille", "pk": MATRIX_ACTION_PK},
        signed_in(403, referent=405, other_referent=405),  # POST only
    ),
    "centres_public:action_plan": ({"code": "lille"}, everyone(200)),
    # public pages of the centres and open data (no sign-in; no campaign is published here)
    "public_centre": ({"code": "lille"}, everyone(200)),
    "surveys:open_data": ({}, everyone(200)),
    "surveys:open_data_reviews_csv": ({}, everyone(200)),
    "surveys:open_data_reviews_api": ({}, everyone(200)),
    "surveys:open_data_results_api": ({}, everyone(200)),
    "surveys:open_data_csv": ({"slug": "unknown"}, everyone(404)),
    "surveys:answer": ({"token": "unknown-token-0000000000"}, everyone(404)),
    "surveys:thanks": ({}, everyone(200)),
    "surveys:results": ({}, signed_in(200, no_role=403)),
    "surveys:export": (
        {"slug": "unknown", "kind": "results", "fmt": "csv"},
        signed_in(404, no_role=403),
    ),
    "surveys:invitation_api": ({"slug": "unknown"}, everyone(405)),  # POST only
    # surveys: exports prepared in the background (only the requester and the DITP see one).
    "surveys:export_list": ({}, signed_in(200, no_role=403)),
    "surveys:export_job": ({"pk": 1}, signed_in(404, no_role=403)),
    "surveys:export_status": ({"pk": 1}, signed_in(404, no_role=403)),
    "surveys:export_download": ({"pk": 1}, signed_in(404, no_role=403)),
    "surveys:export_job_retry": ({"pk": 1}, signed_in(405, no_role=403)),  # POST only
    # surveys: citizen reviews of Lille (public form and page; moderation by the DITP and the
    # network's correspondent; replies by Lille's referent). Reviews created by the fixture.
    "surveys:public_reviews": ({"code": "lille"}, everyone(200)),
    "surveys:review_submit": ({"code": "lille"}, everyone(200)),
    "surveys:review_thanks": ({"code": "lille"}, everyone(200)),
    "surveys:review_list": (
        {},
        signed_in(403, ditp_admin=200, correspondent=200, referent=200, other_referent=200),
    ),
    "surveys:review_moderation": ({}, signed_in(403, ditp_admin=200, correspondent=200)),
    "surveys:survey_comments": (
        {},
        signed_in(403, ditp_admin=200, correspondent=200, referent=200, other_referent=200),
    ),
    "surveys:review_moderate": (
        {"pk": MATRIX_PENDING_REVIEW_PK},
        signed_in(403, ditp_admin=200, correspondent=200),
    ),
    "surveys:review_reject": (
        {"pk": MATRIX_PENDING_REVIEW_PK},
        signed_in(403, ditp_admin=200, correspondent=200),
    ),
    "surveys:review_reply": (
        {"pk": MATRIX_PUBLISHED_REVIEW_PK},
        signed_in(403, referent=200, other_referent=404),
    ),
    "surveys:agent_contacts": (
        {"slug": "unknown"},
        signed_in(404, no_role=403, auditor=403, decider=403),
    ),
    # surveys: questionnaire versions (the DITP administrator only).
    "surveys:questionnaire_list": ({}, signed_in(403, ditp_admin=200)),
    "surveys:questionnaire_detail": (
        {"pk": MATRIX_QUESTIONNAIRE_PK},
        signed_in(403, ditp_admin=200),
    ),
    "surveys:questionnaire_new_version": (
        {"pk": MATRIX_QUESTIONNAIRE_PK},
        signed_in(403, ditp_admin=200),
    ),
    # surveys: campaign pages (the DITP manages; the network's correspondent reads).
    "surveys:campaign_list": ({}, CAMPAIGN_READERS),
    "surveys:campaign_create": ({}, signed_in(403, ditp_admin=200)),
    "surveys:campaign_detail": (MATRIX_CAMPAIGN, CAMPAIGN_READERS),
    "surveys:campaign_links": (MATRIX_CAMPAIGN, signed_in(403, ditp_admin=405)),  # POST only
    "surveys:campaign_api_key": (MATRIX_CAMPAIGN, signed_in(403, ditp_admin=200)),
    "surveys:campaign_close": (MATRIX_CAMPAIGN, signed_in(403, ditp_admin=200)),
    "organisation:home": ({}, ORGANISATION_MANAGERS),
    "organisation:import": ({}, ORGANISATION_MANAGERS),
    "organisation:network_create": ({}, DITP_ONLY),
    "organisation:network_edit": ({"code": "dgfip"}, DITP_ONLY),
    "organisation:structure_create": ({}, ORGANISATION_MANAGERS),
    "organisation:structure_detail": ({"code": "dgfip-pap"}, ORGANISATION_MANAGERS),
    "organisation:structure_edit": ({"code": "dgfip-pap"}, ORGANISATION_MANAGERS),
    "organisation:centre_create": ({}, ORGANISATION_MANAGERS),
    "organisation:centre_edit": ({"code": "lille"}, ORGANISATION_MANAGERS),
    "organisation:body_create": ({}, DITP_ONLY),
    "organisation:body_edit": ({"code": "organisme-demo"}, DITP_ONLY),
    # centres: people and roles (no account has this id: 404 once the role passes; the
    # auditor of the matrix leads no body). Writes are POST only.
    "organisation:people": ({}, ORGANISATION_MANAGERS),
    "organisation:person_invite": ({}, ORGANISATION_MANAGERS),
    "organisation:person_detail": (
        {"pk": 999999},
        signed_in(403, ditp_admin=404, correspondent=404),
    ),
    "organisation:person_role_add": ({"pk": 999999}, signed_in(405)),
    "organisation:person_role_revoke": ({"pk": 999999, "role_pk": 1}, signed_in(405)),
    "organisation:person_activation": ({"pk": 999999}, signed_in(405)),
    "organisation:person_invite_again": ({"pk": 999999}, signed_in(405)),
    "accounts:invitation": ({"token": "x" * 43}, everyone(404)),
    "notifications:list": ({}, signed_in(200)),
    "surveys:campaign_import": (MATRIX_CAMPAIGN, CAMPAIGN_READERS),
    "notifications:mark_read": ({}, signed_in(405)),  # POST only
}


def collect_url_names(patterns=None, namespace=""):
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += collect_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


PRODUCT_URLS = sorted(n for n in set(collect_url_names()) if not n.startswith("admin:"))
ADMIN_URLS = sorted(n for n in set(collect_url_names()) if n.startswith("admin:"))


def test_every_url_has_an_entry_in_the_matrix():
    assert set(PRODUCT_URLS) == set(MATRIX), "add the new URL to MATRIX with its statuses"


@pytest.fixture(autouse=True)
def _lille_action_for_the_matrix(request):
    """centres: the action whose pages the matrix opens (only where a client is used)."""
    if "client_as" in request.fixturenames:
        request.getfixturevalue("users")
        from tests.centres.factories import ActionFactory

        ActionFactory(pk=MATRIX_ACTION_PK, in_progress=True)
        from tests.surveys.reviews.factories import ReviewFactory

        ReviewFactory(pk=MATRIX_PENDING_REVIEW_PK)
        ReviewFactory(pk=MATRIX_PUBLISHED_REVIEW_PK, published=True)
        from .surveys.questionnaire_worlds import questionnaire_with_questions

        questionnaire_with_questions(pk=MATRIX_QUESTIONNAIRE_PK)
        from surveys.defaults import CITIZEN_CODE

        from .surveys.worlds import campaign_of

        campaign_of(CITIZEN_CODE, MATRIX_CAMPAIGN["slug"])


@pytest.fixture
def client_as(client, users):
    def as_role(role):
        if role != ANONYMOUS:
            client.force_login(users[role])
        return client

    return as_role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PRODUCT_URLS)
def test_status_of_each_url_for_each_role(client_as, role, name):
    kwargs, expected = MATRIX[name]
    response = client_as(role).get(reverse(name, kwargs=kwargs))
    assert response.status_code == expected[role], f"{name} as {role}"


ADMIN_SAMPLE_KWARGS = [
    {},
    {"app_label": "centres"},
    {"object_id": "1"},
    {"id": "1"},
    {"content_type_id": "1", "object_id": "1"},
]


def admin_url(name):
    """Build a URL for an admin page, whatever arguments its pattern takes."""
    for kwargs in ADMIN_SAMPLE_KWARGS:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_opens_only_to_ditp_administrators(client_as, role):
    client = client_as(role)
    for name in ADMIN_URLS:
        response = client.get(admin_url(name), follow=True)
        if role == Role.DITP_ADMIN:
            assert response.status_code < 500, name
        elif role == ANONYMOUS:
            assert response.redirect_chain[-1][0].startswith(reverse("accounts:login")), name
        else:
            assert response.status_code == 403, name
