import hmac
import json
import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.dispatch import receiver
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import has_role, role_required, visible_centres
from centres.enums import Role

from .access import get_campaign, visible_campaigns
from .enums import Audience, ExportFormat, ExportKind
from .exports import (
    csv_lines,
    export_rows,
    response_csv_by_copy,
    response_csv_stream,
    xlsx_write,
)
from .forms import (
    HONEYPOT_FIELD,
    AgentContactsForm,
    ResultsFilterForm,
    SurveyForm,
    questions_key,
)
from .models import AgentContact, Campaign
from .queries import campaign_results
from .ratelimit import failed_link_record, failed_links_exceeded
from .services import (
    InvitationError,
    InvitationUnknown,
    agent_contacts_import,
    invitation_for_token,
    invitations_issue,
    questionnaire_questions,
    response_submit,
)
from .services_exports import export_in_background, export_request
from .tasks import dispatch_agent_invitations
from .tokens import token_hash, token_is_well_formed

logger = logging.getLogger(__name__)

SURVEY_LANGUAGES = ("fr", "en")
ALL_STAFF_ROLES = tuple(Role.values)


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
        "surveys/link_problem.html",
        {"title": titles[status], "message": texts[status], "language": language},
        status=status,
    )


class _TooManyAttempts(InvitationError):
    status = 429


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """The public survey page of a single-use link: show the questionnaire, store the answers."""
    language = _survey_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if failed_links_exceeded(request):
        return _link_problem(request, _TooManyAttempts(), language)
    try:
        if not token_is_well_formed(token):
            raise InvitationUnknown
        invitation = invitation_for_token(token)
    except InvitationError as error:
        if error.status in (404, 410):
            failed_link_record(request)
        return _link_problem(request, error, language)

    campaign = invitation.campaign
    questions = questionnaire_questions(campaign.questionnaire)
    if request.method != "POST":
        return _blank_answer_page(
            request, campaign=campaign, questions=questions, language=language
        )
    form = SurveyForm(request.POST, questions=questions, language=language)
    if form.is_valid():
        thanks_url = reverse("surveys:thanks") + ("?lang=en" if language == "en" else "")
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
        "surveys/answer.html",
        _answer_context(campaign=campaign, form=form, language=language, path=request.path),
        status=400,
    )


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
        page = render_to_string("surveys/answer.html", context, request=request)
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
    return render(request, "surveys/thanks.html", {"language": language})


@role_required(*ALL_STAFF_ROLES)
@require_GET
def results(request):
    """Results of a campaign, per engagement, centre and month, within the user's scope."""
    campaigns = list(visible_campaigns(request.user).select_related("structure"))
    centres = list(visible_centres(request.user))
    form = ResultsFilterForm(request.GET or None, campaigns=campaigns, centres=centres)
    campaign, selected, start, end = None, centres, None, None
    if campaigns and (not form.is_bound or form.is_valid()):
        data = form.cleaned_data if form.is_bound else {}
        campaign = next((c for c in campaigns if c.slug == data.get("campaign")), campaigns[0])
        start = data.get("start") or campaign.opens_on
        end = data.get("end") or min(campaign.closes_on, timezone.localdate())
        end = max(end, start)
        selected = [c for c in centres if c.structure_id == campaign.structure_id]
        if data.get("centre"):
            selected = [c for c in selected if c.code == data["centre"]]
    figures = (
        campaign_results(campaign=campaign, centres=selected, start=start, end=end)
        if campaign
        else None
    )
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "campaign": campaign,
            "results": figures,
            "can_invite": has_role(
                request.user, Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT
            ),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


EXPORT_KINDS = {"responses", "results", "opendata"}
EXPORT_FORMATS = {"csv", "xlsx"}


@role_required(*ALL_STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def export(request, slug: str, kind: str, fmt: str):
    """Download a campaign's anonymous responses, results or open-data file (CSV or XLSX).

    Small files stream in the request; a large one is prepared by a worker: GET explains it,
    POST queues it and leads to its progress page."""
    campaign = get_campaign(request.user, slug)
    if kind not in EXPORT_KINDS or fmt not in EXPORT_FORMATS:
        raise Http404
    if kind == "responses" and campaign.questionnaire.audience == Audience.AGENT:
        # Raw agent answers per centre would defeat the k-anonymity of agent results.
        raise PermissionDenied(_("Agent answers are only published as anonymous results."))
    centres = [c for c in visible_centres(request.user) if c.structure_id == campaign.structure_id]
    if request.method == "POST":
        job = export_request(
            by=request.user, campaign=campaign, kind=kind, fmt=fmt, centres=centres
        )
        if job is None:  # small enough to stream after all
            return redirect(request.path)
        return redirect("surveys:export_job", pk=job.pk)
    if export_in_background(campaign=campaign, kind=kind, fmt=fmt, centres=centres):
        return render(
            request,
            "surveys/export_confirm.html",
            {
                "campaign": campaign,
                "kind": ExportKind(kind),
                "fmt": ExportFormat(fmt),
                "retention_days": settings.EXPORT_RETENTION_DAYS,
            },
        )
    filename = f"{campaign.slug}-{kind}.{fmt}"
    logger.info("survey_export campaign=%s kind=%s format=%s", campaign.slug, kind, fmt)
    if fmt == "csv":
        if kind == "responses" and response_csv_by_copy():  # written by PostgreSQL itself
            chunks = response_csv_stream(campaign=campaign, centres=centres)
        else:
            chunks = csv_lines(export_rows(campaign=campaign, kind=kind, centres=centres))
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    rows = export_rows(campaign=campaign, kind=kind, centres=centres)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # FileResponse closes (and so deletes) it
    xlsx_write(rows, handle.name, title=kind)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_not_required
@csrf_exempt
@require_POST
def invitation_api(request, slug: str):
    """JSON endpoint for the phone platform: one fresh survey link after a call.

    POST {"centre": "<code>"} with the header "Authorization: Bearer <campaign API key>"."""
    campaign = Campaign.objects.filter(slug=slug).select_related("questionnaire").first()
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if (
        campaign is None
        or not campaign.api_key_hash
        or not given
        or not hmac.compare_digest(campaign.api_key_hash, token_hash(given))
    ):
        return JsonResponse({"error": _("Unknown campaign or wrong API key.")}, status=401)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    code = payload.get("centre") if isinstance(payload, dict) else None
    centre = campaign.centres.filter(code=code).first() if isinstance(code, str) and code else None
    if centre is None:
        return JsonResponse(
            {"error": _("Give the code of one of the campaign's centres in « centre ».")},
            status=400,
        )
    if timezone.localdate() > campaign.closes_on:
        return JsonResponse({"error": _("This campaign is closed.")}, status=410)
    _centre, token = next(invitations_issue(campaign=campaign, count=1, centres=[centre]))
    url = settings.SITE_URL + reverse("surveys:answer", kwargs={"token": token})
    return JsonResponse({"url": url}, status=201)


@role_required(Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT)
@require_http_methods(["GET", "POST"])
def agent_contacts(request, slug: str):
    """Agent campaign: upload addresses, e-mail the links, remind those who have not answered."""
    campaign = get_campaign(request.user, slug)
    if campaign.questionnaire.audience != Audience.AGENT:
        raise Http404
    centres = [c for c in visible_centres(request.user) if c.structure_id == campaign.structure_id]
    action = request.POST.get("action", "")
    form = AgentContactsForm(request.POST if action == "import" else None, centres=centres)
    if request.method == "POST":
        if action == "import" and form.is_valid():
            added = agent_contacts_import(
                campaign=campaign,
                centre=form.selected_centre(),
                emails=form.cleaned_data["emails"],
            )
            messages.success(request, _("%(count)d address(es) added.") % {"count": added})
            return redirect("surveys:agent_contacts", slug=campaign.slug)
        if action in ("invite", "remind"):
            if campaign.closes_on < timezone.localdate():
                messages.error(request, _("This campaign is closed."))
            else:
                dispatch_agent_invitations.delay_on_commit(campaign.pk, action == "remind")
                messages.success(request, _("The e-mails are being sent."))
            return redirect("surveys:agent_contacts", slug=campaign.slug)
        if action != "import":
            return HttpResponseBadRequest(_("Unknown action."))
    contacts = AgentContact.objects.filter(campaign=campaign, centre_id__in=[c.pk for c in centres])
    counts = contacts.aggregate(
        total=Count("id"),
        invited=Count("id", filter=Q(invited_on__isnull=False)),
        reminded=Count("id", filter=Q(reminded_on__isnull=False)),
        answered=Count("id", filter=Q(invitation__used_on__isnull=False)),
    )
    return render(
        request,
        "surveys/agent_contacts.html",
        {"campaign": campaign, "form": form, "counts": counts},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
