"""A centre's self-assessment pages: cycles, one cycle, edit, submit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..access import (
    IMPROVEMENT_READERS,
    can_manage,
    get_improvement_centre,
    get_managed_centre,
    get_self_assessment,
    role_required,
)
from ..enums import Role
from ..forms.self_assessment import SelfAssessmentEntryForm
from ..queries import (
    self_assessment_cycles,
    self_assessment_rows,
)
from ..services.self_assessment import EntryData, missing_engagements, self_assessment_save
from ..services.self_assessment import self_assessment_submit as self_assessment_submit_service

# --- Self-assessment and action plan ---------------------------------------------------------


def _cycle_or_404(cycle: int) -> int:
    if not 2000 <= cycle <= 2100:
        raise Http404
    return cycle


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@role_required(*IMPROVEMENT_READERS)
@require_GET
def self_assessment_list(request, code: str):
    centre = get_improvement_centre(request.user, code)
    return render(
        request,
        "centres/self_assessment/self_assessment_list.html",
        {
            "centre": centre,
            "assessments": self_assessment_cycles(centre),
            "current_cycle": timezone.localdate().year,
            "can_manage": can_manage(request.user, centre),
        },
    )


@role_required(*IMPROVEMENT_READERS)
@require_GET
def self_assessment_detail(request, code: str, cycle: int):
    centre = get_improvement_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    return render(
        request,
        "centres/self_assessment/self_assessment_detail.html",
        {
            "centre": centre,
            "cycle": cycle,
            "assessment": assessment,
            "rows": self_assessment_rows(assessment),
            "can_manage": can_manage(request.user, centre),
        },
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def self_assessment_edit(request, code: str, cycle: int):
    centre = get_managed_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    detail_url = reverse("centres:self_assessment", kwargs={"code": code, "cycle": cycle})
    if assessment is not None and assessment.is_submitted:
        messages.info(
            request, _("This self-assessment was submitted: it can no longer be changed.")
        )
        return redirect(detail_url)
    rows = self_assessment_rows(assessment)
    data = request.POST if request.method == "POST" else None
    for row in rows:
        entry = row["entry"]
        initial = (
            {
                "maturity_level": entry.maturity_level,
                "strengths": entry.strengths,
                "gaps": entry.gaps,
                "evidence": entry.evidence,
            }
            if entry
            else None
        )
        row["form"] = SelfAssessmentEntryForm(data, prefix=f"e{row['number']}", initial=initial)
    status = 200
    if request.method == "POST":
        if all(row["form"].is_valid() for row in rows):
            entries = {row["number"]: EntryData(**row["form"].cleaned_data) for row in rows}
            try:
                self_assessment_save(centre=centre, cycle=cycle, entries=entries, by=request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
                return redirect(detail_url)
            messages.success(request, _("The self-assessment draft is saved."))
            if "submit" in request.POST:
                return redirect(
                    reverse("centres:self_assessment_submit", kwargs={"code": code, "cycle": cycle})
                )
            return redirect(detail_url)
        status = 400
    return render(
        request,
        "centres/self_assessment/self_assessment_edit.html",
        {"centre": centre, "cycle": cycle, "assessment": assessment, "rows": rows},
        status=status,
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def self_assessment_submit(request, code: str, cycle: int):
    centre = get_managed_centre(request.user, code)
    assessment = get_self_assessment(centre, _cycle_or_404(cycle))
    detail_url = reverse("centres:self_assessment", kwargs={"code": code, "cycle": cycle})
    if assessment is not None and assessment.is_submitted:
        messages.info(request, _("This self-assessment is already submitted."))
        return redirect(detail_url)
    status = 200
    if request.method == "POST":
        try:
            self_assessment_submit_service(centre=centre, cycle=cycle, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            status = 400
        else:
            messages.success(
                request,
                _("The self-assessment is submitted. Your correspondent and auditors can read it."),
            )
            return redirect(detail_url)
    return render(
        request,
        "centres/self_assessment/self_assessment_submit.html",
        {
            "centre": centre,
            "cycle": cycle,
            "assessment": assessment,
            "missing": missing_engagements(assessment),
        },
        status=status,
    )
