"""Exports of a campaign (responses, results, open data; CSV or XLSX) and export jobs."""

import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import STAFF_ROLES, role_required, visible_centres
from centres.pagination import page_of

from ..access import get_campaign, get_export_job, my_export_jobs
from ..enums import Audience, ExportFormat, ExportKind, ExportStatus
from ..models import ExportJob
from ..queries.exports import (
    csv_lines,
    export_rows,
    response_csv_by_copy,
    response_csv_stream,
    xlsx_write,
)
from ..services.exports import (
    ExportError,
    export_file,
    export_in_background,
    export_request,
    export_retry,
)

logger = logging.getLogger(__name__)


EXPORT_KINDS = {"responses", "results", "opendata"}
EXPORT_FORMATS = {"csv", "xlsx"}


@role_required(*STAFF_ROLES)
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
            "surveys/exports/export_confirm.html",
            {
                "campaign": campaign,
                "kind": ExportKind(kind),
                "fmt": ExportFormat(fmt),
                # Every spreadsheet of responses is written by a worker, whatever its size: only
                # a CSV comes here for being too large.
                "too_large": fmt == ExportFormat.CSV,
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


EXPORTS_PER_PAGE = 20
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def progress_text(job: ExportJob) -> str:
    """Where the export stands, in one sentence (the page and its status endpoint)."""
    if job.status == ExportStatus.QUEUED:
        return _("Waiting for a worker to start the export.")
    if job.status == ExportStatus.DONE:
        return _("The file is ready.")
    if job.status == ExportStatus.FAILED:
        return _("The export failed.")
    if job.percent is None:
        return _("Counting the rows to write…")
    return _("%(percent)s %% – %(done)s rows written out of %(total)s.") % {
        "percent": job.percent,
        "done": number_format(job.rows_done, force_grouping=True),
        "total": number_format(job.rows_total, force_grouping=True),
    }


@role_required(*STAFF_ROLES)
@require_GET
def export_list(request):
    """The exports I asked for, newest first."""
    page = page_of(request, my_export_jobs(request.user), EXPORTS_PER_PAGE)
    return render(
        request,
        "surveys/exports/export_list.html",
        {"page_obj": page, "retention_days": settings.EXPORT_RETENTION_DAYS},
    )


@role_required(*STAFF_ROLES)
@never_cache
@require_GET
def export_job(request, pk: int):
    """One export: its progress while it runs, its download link when done, or its error."""
    job = get_export_job(request.user, pk)
    return render(
        request,
        "surveys/exports/export_job.html",
        {"job": job, "progress_text": progress_text(job), "file_ready": bool(export_file(job))},
    )


@role_required(*STAFF_ROLES)
@never_cache
@require_GET
def export_status(request, pk: int):
    """The export's progress as JSON, polled by static/js/export-progress.js."""
    job = get_export_job(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "finished": job.is_finished,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "text": progress_text(job),
        }
    )


@role_required(*STAFF_ROLES)
@require_GET
def export_download(request, pk: int):
    """The export's file, as an attachment (the folder it lives in has no URL)."""
    job = get_export_job(request.user, pk)
    path = export_file(job)
    if path is None:
        raise Http404
    logger.info("export_downloaded job=%s user_id=%s", job.pk, request.user.pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.fmt],
    )


@role_required(*STAFF_ROLES)
@require_POST
def export_job_retry(request, pk: int):
    """Start a failed export again."""
    job = get_export_job(request.user, pk)
    try:
        export_retry(job=job)
    except ExportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The export has been started again."))
    return redirect("surveys:export_job", pk=job.pk)
