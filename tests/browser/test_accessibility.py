"""axe (WCAG 2.0 and 2.1, levels A and AA) and HTML_CodeSniffer (WCAG2AA, errors) on every page
of the product, in each of its states; no page gives one id to two elements.

To check a new page, add ONE line to SCREENS:
    Screen("surveys:answer", kwargs=lambda world: {"token": ...}, state="submitted empty"),
- the first argument is a URL name (or a path starting with "/");
- `role` is who looks at it (ANONYMOUS, a Role value, "other_referent" or "no_role");
- `kwargs` are the URL arguments, or a function of `world` (users, organisation) returning them;
- `state` is a key of STATES: what to do on the page before axe runs. Add a state function
  there when a page has a state no existing function reaches.
test_every_page_of_the_product_is_checked fails when a page of the permission matrix has no line.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from centres.enums import Role
from surveys.defaults import AGENT_CODE, CITIZEN_CODE
from tests.centres.factories import action_with_history, lille_with_actions, self_assessment_of
from tests.surveys.reviews import factories as reviews

from ..factories import TEST_PASSWORD
from ..labelling import worlds as label
from ..public import worlds as public
from ..surveys import export_worlds as exports
from ..surveys import questionnaire_worlds as questionnaires
from ..surveys.worlds import (
    agent_campaign,
    agent_survey_link,
    campaign_of,
    citizen_results,
    closed_campaign,
    survey_link,
)
from ..test_permissions import ANONYMOUS, MATRIX
from .conftest import axe_check, browser_test, force_login, htmlcs_check, unique_ids_check

# URL names that are not pages: JSON, POST-only actions.
NOT_PAGES = {"healthz", "accounts:logout", "centres:action_publish"}
NOT_PAGES |= {"language_switch"}  # a redirect
NOT_PAGES |= {"robots_txt", "sitemap_index", "sitemap_section"}  # text and XML for crawlers
NOT_PAGES |= {"surveys:export", "surveys:invitation_api"}  # file downloads, JSON API
NOT_PAGES |= {"labelling:application_action", "labelling:audit_post"}  # POST only
NOT_PAGES |= {"labelling:certificate_download", "labelling:audit_report"}  # PDF downloads
NOT_PAGES |= {"labelling:evidence_download"}  # file download
NOT_PAGES |= {"labelling:decision_log_verify"}  # POST only (the log page's "submitted" state)
NOT_PAGES |= {"surveys:export_status", "surveys:export_download", "surveys:export_job_retry"}
NOT_PAGES |= {"surveys:open_data_csv"}  # CSV download
NOT_PAGES |= {"surveys:open_data_reviews_csv", "surveys:open_data_reviews_api"}  # CSV, JSON
NOT_PAGES |= {"surveys:open_data_results_api"}  # JSON
NOT_PAGES |= {"surveys:campaign_links"}  # POST only, CSV download
NOT_PAGES |= {"organisation:person_role_add", "organisation:person_role_revoke"}  # POST only
NOT_PAGES |= {"organisation:person_activation", "organisation:person_invite_again"}  # POST only
NOT_PAGES |= {"notifications:mark_read"}  # POST only


def _main_submit(page):
    return page.locator("main form button[type=submit]").first


def _submit_empty(page, world):
    _main_submit(page).click()
    page.wait_for_load_state()


def _wrong_password(page, world):
    page.get_by_label("Adresse électronique").fill(world.users[Role.REFERENT].email)
    page.get_by_label("Mot de passe").fill("not-the-password")
    _main_submit(page).click()
    page.wait_for_load_state()


def _locked_out(page, world):
    for _ in range(5):
        _wrong_password(page, world)


def _address_blocked(page, world):
    # The live server shares this process's cache: count the failures of this address there.
    from django.conf import settings
    from django.test import RequestFactory

    from centres.ratelimit import sign_in_failure_record

    browser = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    for _ in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in_failure_record(browser)
    _wrong_password(page, world)


def _passwords_differ(page, world):
    page.locator("#id_new_password1").fill("un-mot-de-passe-solide-1")
    page.locator("#id_new_password2").fill("un-autre-mot-de-passe-2")
    _main_submit(page).click()
    page.wait_for_load_state()


def _forged_request(page, world):
    # Losing the CSRF cookie (expired, or a request forged by another site) gives the 403 page.
    page.context.clear_cookies()
    page.get_by_label("Adresse électronique").fill(world.users[Role.REFERENT].email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    _main_submit(page).click()
    page.wait_for_load_state()


def _fill_and_submit(page, text: str):
    """Put `text` in every text area of the main form, pick the first of each radio group."""
    form = page.locator("main form[method=post]").first
    for area in form.locator("textarea").all():
        area.fill(text)
    radios = form.locator("input[type=radio]")
    for name in dict.fromkeys(radios.evaluate_all("inputs => inputs.map(i => i.name)")):
        form.locator(f"input[type=radio][name='{name}']").first.check(force=True)
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


STATES: dict[str, Callable] = {
    "shown": lambda page, world: None,
    "submitted empty": _submit_empty,
    "wrong password": _wrong_password,
    "locked out": _locked_out,
    "address blocked": _address_blocked,
    "passwords differ": _passwords_differ,
    "forged request": _forged_request,
    "cleared and submitted": lambda page, world: _fill_and_submit(page, ""),
    "filled and submitted": lambda page, world: _fill_and_submit(page, "Accueil très aimable."),
    "bad filters": lambda page, world: page.goto(f"{page.url}?kind=unknown&audit=x"),
}


def valid_reset_link(world) -> dict:
    user = world.users[Role.DECIDER]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def campaign_with_links(world) -> dict:
    """A running citizen campaign with a few links issued, one of them answered."""
    from surveys.models import Invitation
    from surveys.services.campaigns import invitations_issue

    campaign = campaign_of(CITIZEN_CODE, "usagers-test")
    if not Invitation.objects.filter(campaign=campaign).exists():
        list(invitations_issue(campaign=campaign, count=12))
        Invitation.objects.filter(
            pk=Invitation.objects.filter(campaign=campaign).first().pk
        ).update(used=True)
    return {"slug": campaign.slug}


def campaigns_listed(world) -> dict:
    campaign_with_links(world)
    campaign_of(AGENT_CODE, "agents-test")
    return {}


INVALID_RESET_LINK = {"uidb64": "MQ", "token": "invalid-link"}
LILLE = {"code": "lille"}


def notified(world) -> dict:
    """A decided application: its steps have notified the correspondent (the list has rows)."""
    label.decided_application(world)
    return {}


def the_referent(world) -> dict:
    return {"pk": world.users[Role.REFERENT].pk}


@dataclass(frozen=True)
class Screen:
    url: str
    role: str = ANONYMOUS
    state: str = "shown"
    kwargs: dict | Callable = field(default_factory=dict)

    def __str__(self):
        kwargs = getattr(self.kwargs, "__name__", None) or ",".join(map(str, self.kwargs.values()))
        target = f"{self.url}({kwargs})" if kwargs else self.url
        return f"{target} as {self.role}, {self.state}"

    def path(self, world) -> str:
        kwargs = self.kwargs(world) if callable(self.kwargs) else self.kwargs  # builds data
        if self.url.startswith("/"):
            return self.url
        return reverse(self.url, kwargs=kwargs)


SCREENS = [
    Screen("home"),
    Screen("home", Role.REFERENT),
    Screen("accessibility"),
    Screen("legal_notice"),
    Screen("personal_data"),
    Screen("accounts:login"),
    Screen("accounts:login", state="submitted empty"),
    Screen("accounts:login", state="wrong password"),
    Screen("accounts:login", state="locked out"),
    Screen("accounts:login", state="address blocked"),  # too many failures from one address
    Screen("accounts:login", state="forged request"),
    Screen("accounts:password_reset"),
    Screen("accounts:password_reset", state="submitted empty"),
    Screen("accounts:password_reset_done"),
    Screen("accounts:password_reset_confirm", kwargs=INVALID_RESET_LINK),
    Screen("accounts:password_reset_confirm", kwargs=valid_reset_link),
    Screen("accounts:password_reset_confirm", kwargs=valid_reset_link, state="submitted empty"),
    Screen("accounts:password_reset_confirm", kwargs=valid_reset_link, state="passwords differ"),
    Screen("accounts:password_reset_complete"),
    *[Screen("dashboard", role) for role in [*Role.values, "no_role"]],
    Screen("centres:list", Role.REFERENT),
    Screen("centres:list", Role.CORRESPONDENT),
    Screen("centres:list", "no_role"),  # 403 page
    Screen("centres:detail", Role.REFERENT, kwargs=LILLE),
    Screen("centres:detail", "other_referent", kwargs=LILLE),  # 404 page, outside the scope
    Screen("/cette-page-n-existe-pas/"),  # 404 page, anonymous
    # centres: self-assessment and action plan (referent writes, others read; public plan).
    Screen("centres:self_assessment_list", Role.REFERENT, kwargs=LILLE),
    Screen("centres:self_assessment", Role.CORRESPONDENT, kwargs=self_assessment_of),
    Screen("centres:self_assessment_edit", Role.REFERENT, kwargs=self_assessment_of),
    Screen("centres:self_assessment_submit", Role.REFERENT, kwargs=self_assessment_of),
    Screen("centres:action_list", Role.REFERENT, kwargs=LILLE),  # empty state
    Screen("centres:action_list", Role.AUDITOR, kwargs=lille_with_actions),
    Screen("centres:action_create", Role.REFERENT, kwargs=LILLE, state="submitted empty"),
    Screen("centres:action_detail", Role.REFERENT, kwargs=action_with_history),
    Screen("centres:action_edit", Role.REFERENT, kwargs=action_with_history),
    Screen("centres:action_close", Role.REFERENT, "submitted empty", action_with_history),
    Screen("centres:action_abandon", Role.REFERENT, kwargs=action_with_history),
    Screen("centres_public:action_plan", kwargs=lille_with_actions),
    # surveys: the public survey page and its states, results, agent invitations.
    Screen("surveys:answer", kwargs=survey_link),
    Screen("surveys:answer", kwargs=survey_link, state="submitted empty"),
    Screen("surveys:answer", kwargs=agent_survey_link),  # the agents' own page
    Screen("surveys:answer", kwargs={"token": "unknown-token-000000000"}),  # 404 page
    Screen("surveys:thanks"),
    Screen("surveys:results", Role.CORRESPONDENT, kwargs=citizen_results),
    Screen("surveys:results", Role.REFERENT),  # no answer yet
    Screen("surveys:agent_contacts", Role.DITP_ADMIN, kwargs=agent_campaign),
    Screen("surveys:agent_contacts", Role.DITP_ADMIN, "submitted empty", agent_campaign),
    # surveys: campaign pages (list, creation, figures and links, API key, early closing).
    Screen("surveys:campaign_list", Role.DITP_ADMIN),  # empty state
    Screen("surveys:campaign_list", Role.CORRESPONDENT, kwargs=campaigns_listed),
    Screen("surveys:campaign_create", Role.DITP_ADMIN),
    Screen("surveys:campaign_create", Role.DITP_ADMIN, state="submitted empty"),
    Screen("surveys:campaign_detail", Role.DITP_ADMIN, kwargs=campaign_with_links),
    Screen("surveys:campaign_detail", Role.DITP_ADMIN, "submitted empty", campaign_with_links),
    Screen("surveys:campaign_detail", Role.DITP_ADMIN, kwargs=closed_campaign),
    Screen("surveys:campaign_api_key", Role.DITP_ADMIN, kwargs=campaign_with_links),
    Screen("surveys:campaign_api_key", Role.DITP_ADMIN, "submitted empty", campaign_with_links),
    Screen("surveys:campaign_close", Role.DITP_ADMIN, kwargs=campaign_with_links),
    Screen("surveys:campaign_close", Role.DITP_ADMIN, "submitted empty", campaign_with_links),
    # surveys: citizen reviews (public form and page, moderation, the referents' replies).
    Screen("surveys:public_reviews", kwargs=LILLE),  # empty state
    Screen("surveys:public_reviews", kwargs=reviews.lille_with_reviews),
    Screen("surveys:review_submit", kwargs=LILLE),
    Screen("surveys:review_submit", kwargs=LILLE, state="submitted empty"),
    Screen("surveys:review_submit", kwargs=LILLE, state="filled and submitted"),  # thanks
    Screen("surveys:review_thanks", kwargs=LILLE),
    Screen("surveys:review_list", Role.REFERENT),  # empty state
    Screen("surveys:survey_comments", Role.REFERENT),  # empty state
    Screen("surveys:survey_comments", Role.REFERENT, "submitted empty"),
    Screen("surveys:review_list", Role.CORRESPONDENT, kwargs=reviews.reviews_in_scope),
    Screen("surveys:review_moderation", Role.CORRESPONDENT),  # nothing to moderate
    Screen("surveys:review_moderation", Role.DITP_ADMIN, kwargs=reviews.reviews_in_scope),
    Screen("surveys:review_moderate", Role.CORRESPONDENT, kwargs=reviews.pending_review),
    Screen(
        "surveys:review_moderate",
        Role.CORRESPONDENT,
        "cleared and submitted",
        reviews.pending_review,
    ),
    Screen(
        "surveys:review_moderate",
        Role.CORRESPONDENT,
        "submitted empty",  # published as it is: the queue with its success message
        reviews.pending_review,
    ),
    Screen("surveys:review_reject", Role.CORRESPONDENT, kwargs=reviews.pending_review),
    Screen("surveys:review_reject", Role.CORRESPONDENT, "submitted empty", reviews.pending_review),
    Screen("surveys:review_reply", Role.REFERENT, kwargs=reviews.published_review),
    Screen("surveys:review_reply", Role.REFERENT, "submitted empty", reviews.published_review),
    Screen("surveys:review_reply", Role.REFERENT, "filled and submitted", reviews.published_review),
    # surveys: exports prepared in the background.
    Screen("surveys:export", Role.CORRESPONDENT, kwargs=exports.large_export),  # « prepare »
    Screen("surveys:export_list", Role.REFERENT),  # empty state
    Screen("surveys:export_list", Role.CORRESPONDENT, kwargs=exports.some_exports),
    Screen("surveys:export_job", Role.CORRESPONDENT, kwargs=exports.running_export),
    Screen("surveys:export_job", Role.CORRESPONDENT, kwargs=exports.finished_export),
    Screen("surveys:export_job", Role.CORRESPONDENT, kwargs=exports.failed_export),
    # surveys: questionnaire versions (list, a version with changes, the new-version form).
    Screen("surveys:questionnaire_list", Role.DITP_ADMIN),
    Screen(
        "surveys:questionnaire_detail", Role.DITP_ADMIN, kwargs=questionnaires.derived_questionnaire
    ),
    Screen(
        "surveys:questionnaire_new_version",
        Role.DITP_ADMIN,
        kwargs=questionnaires.agent_questionnaire,
    ),
    Screen(
        "surveys:questionnaire_new_version",
        Role.DITP_ADMIN,
        "submitted empty",  # nothing changed: the form again with its error
        questionnaires.default_citizen_questionnaire,
    ),
    # labelling: applications, audits, scorecard, certificates, public verification.
    Screen("labelling:application_list", Role.CORRESPONDENT),  # empty state
    Screen("labelling:application_create", Role.CORRESPONDENT, state="submitted empty"),
    Screen("labelling:application_detail", Role.DECIDER, kwargs=label.decided_application),
    Screen("labelling:application_detail", Role.CORRESPONDENT, kwargs=label.decided_application),
    Screen("labelling:audit_plan", Role.AUDITOR, kwargs=label.submitted_application),
    Screen("labelling:audit_plan", Role.AUDITOR, "submitted empty", label.submitted_application),
    Screen("labelling:audit_detail", Role.AUDITOR, kwargs=label.open_audit),
    Screen("labelling:audit_grid", Role.AUDITOR, kwargs=label.open_audit_site),
    Screen("labelling:scorecard", Role.AUDITOR, kwargs=label.decided_application),
    Screen("labelling:certificate_detail", Role.DECIDER, kwargs=label.certificate),
    Screen("labelling:referential_list", Role.DITP_ADMIN),
    # labelling: findings follow-up (empty, with data, bad filters; the close form) and
    # referential versions (first version, a version with changes, a new version, in force).
    Screen("labelling:finding_list", Role.DECIDER, kwargs=label.decided_application),  # empty
    Screen("labelling:finding_list", Role.AUDITOR, kwargs=label.application_with_findings),
    Screen("labelling:finding_list", Role.AUDITOR, "bad filters", label.application_with_findings),
    Screen("labelling:finding_close", Role.AUDITOR, kwargs=label.open_finding),
    Screen("labelling:finding_close", Role.AUDITOR, "submitted empty", label.open_finding),
    Screen("labelling:referential_detail", Role.DECIDER, kwargs=label.default_referential),
    Screen("labelling:referential_detail", Role.DITP_ADMIN, kwargs=label.derived_referential),
    Screen("labelling:referential_new_version", Role.DITP_ADMIN, kwargs=label.default_referential),
    Screen(
        "labelling:referential_new_version",
        Role.DITP_ADMIN,
        "submitted empty",  # nothing changed: the form again with its error
        label.default_referential,
    ),
    Screen("labelling:referential_activate", Role.DITP_ADMIN, kwargs=label.derived_referential),
    Screen("labelling:verify", kwargs=label.verification),
    # labelling: appeals, derogations, the decision log and its integrity check.
    Screen("labelling:appeal_queue", Role.DECIDER),  # empty
    Screen("labelling:appeal_queue", Role.DITP_ADMIN, kwargs=label.appeal_waiting),
    Screen("labelling:application_detail", Role.DITP_ADMIN, kwargs=label.pending_derogation),
    Screen("labelling:decision_log", Role.DITP_ADMIN),  # empty
    Screen("labelling:decision_log", Role.DECIDER, kwargs=label.logged_decisions),
    Screen("labelling:decision_log", Role.DECIDER, "submitted empty", label.logged_decisions),
    # public pages: a centre in each state, the home page with labels, open data.
    Screen("public_centre", kwargs=public.vesoul_with_nothing_published),
    Screen("public_centre", kwargs=public.lens_with_a_small_sample),
    Screen("public_centre", kwargs=public.labelled_structure),  # label, no results
    Screen("public_centre", kwargs=public.lille_in_full),  # results, label, plan, reviews
    Screen("public_centre", Role.REFERENT, kwargs=public.lille_in_full),
    Screen("home", kwargs=public.home_with_labels),
    Screen("search", kwargs=public.home_with_labels),  # every service, with labels
    Screen("/trouver-un-service/?q=lille", kwargs=public.lille_in_full),  # label and rate
    Screen("/trouver-un-service/?q=zzzz"),  # nothing found
    Screen("surveys:open_data"),  # no published campaign
    Screen("surveys:open_data", kwargs=public.open_data_published),
    # centres: organisation pages (the DITP, the correspondents in their network), CSV import.
    Screen("organisation:home", Role.DITP_ADMIN),
    Screen("organisation:import", Role.CORRESPONDENT),
    Screen("organisation:import", Role.CORRESPONDENT, state="submitted empty"),
    Screen("organisation:network_create", Role.DITP_ADMIN),
    Screen("organisation:network_edit", Role.DITP_ADMIN, kwargs={"code": "dgfip"}),
    Screen("organisation:structure_create", Role.CORRESPONDENT, state="submitted empty"),
    Screen("organisation:structure_detail", Role.CORRESPONDENT, kwargs={"code": "dgfip-pap"}),
    Screen("organisation:structure_edit", Role.CORRESPONDENT, kwargs={"code": "dgfip-pap"}),
    Screen("organisation:centre_create", Role.DITP_ADMIN, state="submitted empty"),
    Screen("organisation:centre_edit", Role.CORRESPONDENT, kwargs=LILLE),
    Screen("organisation:body_create", Role.DITP_ADMIN),
    Screen("organisation:body_edit", Role.DITP_ADMIN, kwargs={"code": "organisme-demo"}),
    Screen("organisation:people", Role.DITP_ADMIN),
    Screen("organisation:person_invite", Role.CORRESPONDENT, state="submitted empty"),
    Screen("organisation:person_detail", Role.DITP_ADMIN, kwargs=the_referent),
    Screen("accounts:invitation", kwargs={"token": "x" * 43}),  # 404: expired or used
    Screen("notifications:list", Role.REFERENT),  # empty state
    Screen("notifications:list", Role.CORRESPONDENT, kwargs=notified),
    Screen("surveys:campaign_import", Role.CORRESPONDENT, kwargs=campaign_with_links),
    Screen("surveys:campaign_import", Role.DITP_ADMIN, "submitted empty", campaign_with_links),
]


@pytest.fixture
def world(users):
    return SimpleNamespace(users=users)


@pytest.mark.parametrize("screen", SCREENS, ids=str)
@browser_test
def test_every_page_and_state_has_no_accessibility_violation(page, world, screen, shot):
    if screen.role != ANONYMOUS:
        force_login(page, world.users[screen.role])
    page.goto(screen.path(world))
    STATES[screen.state](page, world)
    shot(page, str(screen))
    axe_check(page, str(screen))
    unique_ids_check(page, str(screen))
    htmlcs_check(page, str(screen))


def test_every_page_of_the_product_is_checked():
    checked = {screen.url for screen in SCREENS}
    pages = {name for name in MATRIX if name not in NOT_PAGES}
    missing = sorted(pages - checked)
    assert not missing, f"add a Screen(...) line to SCREENS in {__name__} for: {', '.join(missing)}"


@browser_test
def test_axe_check_fails_with_a_readable_list_of_violations(page):
    page.set_content('<html lang="fr"><title>t</title><main><img src="x.png"></main></html>')
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page, "a page with an image without text")
    report = str(failure.value)
    assert report.startswith("a page with an image without text: 1 accessibility rule(s)")
    assert "- image-alt (critical)" in report and '<img src="x.png">' in report


@browser_test
def test_htmlcs_check_fails_with_the_errors_axe_does_not_report(page):
    page.set_content(
        '<html lang="fr"><title>t</title><main><h1>t</h1>'
        '<label for="x">Site</label><select id="x"><option>a</option></select>'
        '<select id="x"><option>b</option></select></main></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        unique_ids_check(page, "two selects with one id")
    assert "ids repeated" in str(failure.value) and ": x" in str(failure.value)
    page.set_content('<html lang="fr"><title>t</title><main><img src="x.png"></main></html>')
    with pytest.raises(pytest.fail.Exception) as failure:
        htmlcs_check(page, "an image without text")
    report = str(failure.value)
    assert "HTML_CodeSniffer error(s)" in report and "H37" in report
