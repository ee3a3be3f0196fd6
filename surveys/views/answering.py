"""The public survey page (one link, one answer sheet) and its thank-you page."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver
from django.http import (
    HttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..enums import Audience
from ..forms.answering import HONEYPOT_FIELD, SurveyForm, questions_key
from ..ratelimit import failed_link_record, failed_links_exceeded
from ..services.answering import (
    InvitationError,
    InvitationUnknown,
    invitation_for_token,
    questionnaire_questions,
    response_submit,
)
from ..tokens import token_is_well_formed

logger = logging.getLogger(__name__)


SURVEY_LANGUAGES = ("fr", "en")


def _survey_language(request) -> str:
    """?lang=en|fr wins, else the browser's Accept-Language (LocaleMiddleware), else French."""
    asked = request.GET.get("lang", "")
    if asked in SURVEY_LANGUAGES:
        return asked
    current = (getattr(request, "LANGUAGE_CODE", "") or "fr")[:2]
    return current if current in SURVEY_LANGUAGES else "fr"


def _link_problem(request, error: InvitationError, language: str):
    titles = {
        404: _("This survey link does not work"),
        409: _("You have already answered this survey"),
        410: _("This survey link has expired"),
        429: _("Too many attempts"),
    }
    texts = {
        404: _(
            "Check that you copied the whole link. If it still does not work, the survey "
            "is no longer available from this link."
        ),
        409: _(
            "Each link can be used only once, and an answer has already been recorded with "
            "this one. Thank you for taking part."
        ),
        410: _("The time to answer with this link is over. Thank you for your interest."),
        429: _(
            "Too many survey links that do not work were tried from your connection. "
            "Please try again in a few minutes."
        ),
    }
    status = error.status
    return render(
        request,
        "surveys/answering/link_problem.html",
        {"title": titles[status], "message": texts[status], "language": language},
        status=status,
    )


class _TooManyAttempts(InvitationError):
    status = 429


def _failed_link(request, error: InvitationError, language: str):
    """An unknown or expired link; past the address's limit, only « too many attempts ».

    A valid link is always served: failures from a shared connection (a France Services
    counter, a family) never block the citizen who holds a working link."""
    if error.status in (404, 410):
        if failed_links_exceeded(request):
            return _link_problem(request, _TooManyAttempts(), language)
        failed_link_record(request)
    return _link_problem(request, error, language)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """The public survey page of a single-use link: show the questionnaire, store the answers."""
    language = _survey_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    try:
        if not token_is_well_formed(token):
            raise InvitationUnknown
        invitation = invitation_for_token(token)
    except InvitationError as error:
        return _failed_link(request, error, language)

    campaign = invitation.campaign
    questions = questionnaire_questions(campaign.questionnaire)
    if request.method != "POST":
        return _blank_answer_page(
            request, campaign=campaign, questions=questions, language=language
        )
    form = SurveyForm(request.POST, questions=questions, language=language)
    if form.is_valid():
        thanks_url = _thanks_url(campaign, language)
        if form.is_spam:
            logger.info("survey_honeypot campaign=%s", campaign.slug)
            return redirect(thanks_url)
        try:
            response_submit(token=token, answers=form.answers())
        except InvitationError as error:
            return _link_problem(request, error, language)
        return redirect(thanks_url)
    return render(
        request,
        "surveys/answering/answer.html",
        _answer_context(campaign=campaign, form=form, language=language, path=request.path),
        status=400,
    )


def _thanks_url(campaign, language: str) -> str:
    """The thank-you page in the survey's language, in its agents' version for an agent survey
    (nothing in it tells who answered)."""
    query = {"lang": "en"} if language == "en" else {}
    if campaign.questionnaire.audience == Audience.AGENT:
        query["public"] = "agents"
    return reverse("surveys:thanks") + (f"?{urlencode(query)}" if query else "")


def _answer_context(*, campaign, form, language: str, path: str) -> dict:
    other = "fr" if language == "en" else "en"
    return {
        "campaign": campaign,
        "form": form,
        "language": language,
        "honeypot_field": HONEYPOT_FIELD,
        "switch_language": other,
        "switch_url": f"{path}?lang={other}",
        "action_url": f"{path}?lang={language}",
    }


# A blank survey page differs from one link of a campaign to the next only by the link, the
# CSRF token and the CSP nonce. It is rendered once per process, campaign, wording and language
# (for an anonymous visitor, without flash messages), then only those three slots are filled in.
_BLANK_PAGES: dict[tuple, str] = {}
_BLANK_PAGES_MAX = 256
_SLOT_PATH = "slot-path-5c1e07"
_SLOT_CSRF = "slot-csrf-5c1e07"
_SLOT_NONCE = "slot-nonce-5c1e07"


@receiver(setting_changed)
def _blank_pages_forget(**kwargs) -> None:
    """Tests change settings (brand, product name) that the cached pages show."""
    _BLANK_PAGES.clear()


def _blank_answer_page(request, *, campaign, questions, language: str) -> HttpResponse:
    key = (
        language,
        campaign.pk,
        campaign.name,
        campaign.structure.name,
        questions_key(questions),
    )
    page = _BLANK_PAGES.get(key)
    if page is None:
        nonce = str(request.csp_nonce)
        form = SurveyForm(None, questions=questions, language=language)
        context = _answer_context(campaign=campaign, form=form, language=language, path=_SLOT_PATH)
        context.update(csrf_token=_SLOT_CSRF, messages=(), user=AnonymousUser())
        page = render_to_string("surveys/answering/answer.html", context, request=request)
        page = page.replace(nonce, _SLOT_NONCE)
        if len(_BLANK_PAGES) >= _BLANK_PAGES_MAX:
            _BLANK_PAGES.clear()
        _BLANK_PAGES[key] = page
    return HttpResponse(
        page.replace(_SLOT_PATH, escape(request.path))
        .replace(_SLOT_CSRF, escape(get_token(request)))
        .replace(_SLOT_NONCE, escape(str(request.csp_nonce)))
    )


@login_not_required
@require_GET
def thanks(request):
    """Thank-you page after an answer."""
    language = _survey_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    agent = request.GET.get("public") == "agents"
    return render(request, "surveys/answering/thanks.html", {"language": language, "agent": agent})
