"""Importing an outside institute's answer sheets into a campaign: upload, preview, confirm.

The DITP administrator and the network's correspondent import (a campaign outside their scope
is a 404)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from centres.access import require_role
from centres.enums import Role
from centres.uploads import read_upload, store_upload

from ..access import get_campaign
from ..enums import QuestionKind
from ..forms.imports import ConfirmUploadForm, SheetsUploadForm
from ..models import SurveyImport
from ..services.answering import questionnaire_questions
from ..services.imports import (
    CENTRE_COLUMN,
    DATE_COLUMN,
    ImportRefused,
    survey_import_apply,
    survey_import_check,
)

IMPORTERS = (Role.DITP_ADMIN, Role.CORRESPONDENT)
UPLOAD_KIND = "survey-sheets"


def _page(request, campaign, *, form, plan=None, confirm=None, status=200) -> HttpResponse:
    questions = questionnaire_questions(campaign.questionnaire)
    header = [CENTRE_COLUMN, DATE_COLUMN, *(q.code for q in questions)]
    return render(
        request,
        "surveys/imports/campaign_import.html",
        {
            "campaign": campaign,
            "form": form,
            "plan": plan,
            "confirm": confirm,
            "header": ";".join(header),
            "questions": questions,
            "comment_kind": QuestionKind.COMMENT,
            "done": SurveyImport.objects.filter(campaign=campaign)
            .select_related("uploaded_by")
            .first(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def campaign_import(request, slug: str):
    require_role(request.user, *IMPORTERS)
    campaign = get_campaign(request.user, slug)
    if request.method == "GET":
        return _page(request, campaign, form=SheetsUploadForm())
    if "sha256" in request.POST:
        return _confirm(request, campaign)
    form = SheetsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, campaign, form=form, status=400)
    uploaded = form.cleaned_data["file"]
    plan = survey_import_check(campaign=campaign, filename=uploaded.name, content=uploaded.read())
    if plan.error_count:
        return _page(request, campaign, form=form, plan=plan, status=400)
    uploaded.seek(0)
    sha = store_upload(request, uploaded, kind=UPLOAD_KIND)
    confirm = ConfirmUploadForm(initial={"sha256": sha, "filename": uploaded.name})
    return _page(request, campaign, form=SheetsUploadForm(), plan=plan, confirm=confirm)


def _confirm(request, campaign) -> HttpResponse:
    confirm = ConfirmUploadForm(request.POST)
    content = None
    if confirm.is_valid():
        content = read_upload(request, kind=UPLOAD_KIND, sha=confirm.cleaned_data["sha256"])
    if content is None:
        messages.error(request, _("This file is no longer available: send it again."))
        return _page(request, campaign, form=SheetsUploadForm(), status=400)
    filename = confirm.cleaned_data["filename"]
    plan = survey_import_check(campaign=campaign, filename=filename, content=content)
    if plan.error_count:
        return _page(request, campaign, form=SheetsUploadForm(), plan=plan, status=400)
    try:
        survey_import_apply(
            campaign=campaign,
            plan=plan,
            filename=filename,
            sha256=confirm.cleaned_data["sha256"],
            by=request.user,
        )
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
        return _page(request, campaign, form=SheetsUploadForm(), status=409)
    messages.success(
        request,
        _("%(count)s answer sheets imported: the campaign is marked « imported ».")
        % {"count": len(plan.sheets)},
    )
    return redirect("surveys:campaign_detail", slug=campaign.slug)
