"""The decision log in the product: its entries (filtered by structure and kind) and the
integrity check that `manage.py verify_decision_log` runs."""

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from centres.access import role_required
from centres.enums import Role
from centres.pagination import page_of

from ..decision_log import log_verify
from ..forms.decision_log import DecisionLogFilterForm
from ..models import Application, DecisionLogEntry

ENTRIES_PER_PAGE = 50
LOG_READERS = (Role.DITP_ADMIN, Role.DECIDER)


def _filtered(form: DecisionLogFilterForm):
    entries = DecisionLogEntry.objects.order_by("-sequence")
    if not form.is_bound or not form.is_valid():
        return entries
    structure, kind = form.cleaned_data["structure"], form.cleaned_data["kind"]
    if structure is not None:
        applications = Application.objects.filter(structure=structure).values("pk")
        entries = entries.filter(application_id_ref__in=applications)
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def _rows(entries) -> list[dict]:
    """Each entry with its application (one query for the page)."""
    applications = Application.objects.select_related("structure").in_bulk(
        {entry.application_id_ref for entry in entries}
    )
    return [
        {"entry": entry, "application": applications.get(entry.application_id_ref)}
        for entry in entries
    ]


def _page(request, *, check=None, status=200):
    form = DecisionLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        status = 400
    page = page_of(request, _filtered(form), ENTRIES_PER_PAGE)
    return render(
        request,
        "labelling/decision_log/decision_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _rows(page.object_list),
            "check": check,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@role_required(*LOG_READERS)
@require_GET
def decision_log(request):
    return _page(request)


@role_required(*LOG_READERS)
@require_POST
def decision_log_verify(request):
    """« Vérifier l'intégrité »: walk the whole chain, as the management command does."""
    count, breaks = log_verify()
    return _page(request, check={"count": count, "breaks": breaks})
