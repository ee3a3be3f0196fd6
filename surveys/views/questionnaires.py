"""Questionnaire versions in the product: the list, one version, a new version from it.

A version is never edited: a new version is created from the one shown
(services.questionnaire_version_create); campaigns keep the version they were created with.
Only the DITP administrator sees these pages."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from centres.access import role_required
from centres.enums import Role
from centres.pagination import page_of

from ..forms.questionnaires import EXTRA_ROWS, QuestionFormSet
from ..models import Question, Questionnaire
from ..services.questionnaires import (
    QuestionData,
    QuestionnaireChanges,
    questionnaire_changes,
    questionnaire_version_create,
)

QUESTIONNAIRES_PER_PAGE = 10
CAMPAIGNS_PER_PAGE = 25


def _questionnaire(pk: int) -> Questionnaire:
    # Questionnaires are not scoped to an organisation: the role is the only gate.
    return get_object_or_404(Questionnaire, pk=pk)


def changes_summary(changes: QuestionnaireChanges) -> str:
    """The changes as one French sentence: added, removed and changed questions, by code."""
    parts = []
    if changes.added:
        parts.append(
            ngettext(
                "%(count)s question added (%(codes)s)",
                "%(count)s questions added (%(codes)s)",
                len(changes.added),
            )
            % {"count": len(changes.added), "codes": ", ".join(changes.added)}
        )
    if changes.removed:
        parts.append(
            ngettext(
                "%(count)s question removed (%(codes)s)",
                "%(count)s questions removed (%(codes)s)",
                len(changes.removed),
            )
            % {"count": len(changes.removed), "codes": ", ".join(changes.removed)}
        )
    if changes.changed:
        parts.append(
            ngettext(
                "%(count)s question changed (%(codes)s)",
                "%(count)s questions changed (%(codes)s)",
                len(changes.changed),
            )
            % {"count": len(changes.changed), "codes": ", ".join(changes.changed)}
        )
    if changes.reordered:
        parts.append(_("questions in a new order"))
    return "; ".join(parts)


@role_required(Role.DITP_ADMIN)
@require_GET
def questionnaire_list(request):
    codes = (
        Questionnaire.objects.order_by("audience", "code")
        .values_list("audience", "code")
        .distinct()
    )
    page = page_of(request, codes, QUESTIONNAIRES_PER_PAGE)
    versions = (
        Questionnaire.objects.filter(code__in=[code for _audience, code in page.object_list])
        .annotate(
            campaign_count=Count("campaigns", distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("code", "-version")
    )
    by_code = {}
    for version in versions:
        by_code.setdefault(version.code, []).append(version)
    groups = [
        {"code": code, "latest": by_code[code][0], "versions": by_code[code]}
        for _audience, code in page.object_list
        if code in by_code
    ]
    return render(
        request,
        "surveys/questionnaires/questionnaire_list.html",
        {"page_obj": page, "groups": groups},
    )


@role_required(Role.DITP_ADMIN)
@require_GET
def questionnaire_detail(request, pk: int):
    questionnaire = _questionnaire(pk)
    questions = list(questionnaire.questions.all())
    previous = (
        Questionnaire.objects.filter(code=questionnaire.code, version__lt=questionnaire.version)
        .order_by("-version")
        .first()
    )
    changes = None
    if previous is not None:
        changes = questionnaire_changes(
            [QuestionData.of(q) for q in previous.questions.all()],
            [QuestionData.of(q) for q in questions],
        )
    campaigns = questionnaire.campaigns.select_related("structure").order_by("-opens_on", "slug")
    return render(
        request,
        "surveys/questionnaires/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "questions": questions,
            "previous": previous,
            "changes": changes,
            "changes_summary": changes_summary(changes) if changes else "",
            "campaigns": page_of(request, campaigns, CAMPAIGNS_PER_PAGE),
            "latest_version": Questionnaire.objects.filter(code=questionnaire.code)
            .order_by("-version")
            .values_list("version", flat=True)
            .first(),
        },
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def questionnaire_new_version(request, pk: int):
    source = _questionnaire(pk)
    source_questions = list(Question.objects.filter(questionnaire=source).order_by("position"))
    formset = QuestionFormSet(
        request.POST if request.method == "POST" else None,
        source=source,
        source_questions=source_questions,
        prefix="questions",
    )
    if request.method == "POST" and formset.is_valid():
        created = questionnaire_version_create(source=source, questions=formset.questions())
        messages.success(
            request,
            _(
                "Version %(version)s is created from version %(source)s: %(changes)s. "
                "It can be chosen for new campaigns; existing campaigns keep their version."
            )
            % {
                "version": created.version,
                "source": source.version,
                "changes": changes_summary(formset.changes),
            },
        )
        return redirect("surveys:questionnaire_detail", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/questionnaires/questionnaire_form.html",
        {"source": source, "formset": formset, "extra_rows": EXTRA_ROWS},
        status=status,
    )
