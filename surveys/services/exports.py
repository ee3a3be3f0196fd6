"""Exports too large for one request: asked for on a page, written by a worker of the
`exports` queue to a private file, downloaded later, purged after EXPORT_RETENTION_DAYS.

A run claims its job with a new attempt number, writes to a temporary file, reports progress
in short transactions of its own and renames the file into place only if it still owns the
job: a finished job is never redone, an interrupted one starts over from scratch."""

import hashlib
import logging
import os
import time
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import Centre, User

from ..enums import ExportFormat, ExportKind, ExportStatus
from ..models import Campaign, ExportJob
from ..queries.exports import (
    csv_write,
    export_rows,
    response_count,
    response_csv_by_copy,
    response_csv_chunks,
    xlsx_write,
)

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 10_000  # rows between two looks at the clock...
PROGRESS_SECONDS = 1.0  # ...and seconds between two progress updates
UNDISPATCHED_AFTER = timedelta(minutes=2)  # queued, but the broker was down at dispatch
LOST_AFTER = timedelta(hours=1)  # queued and dispatched, but no worker ever took it
STALLED_AFTER = timedelta(minutes=10)  # running without progress: the worker died
PENDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportError(Exception):
    """An export request that cannot be carried out (message for the user)."""


class ExportSuperseded(Exception):
    """Another run claimed the job: this one stops and leaves the job to it."""


def export_root() -> Path:
    """The private folder of export files (created on first use; no URL serves it)."""
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def export_file(job: ExportJob) -> Path | None:
    """The file of a finished job, or None when it is not (or no longer) on disk."""
    if job.status != ExportStatus.DONE or not job.file_path:
        return None
    root = export_root().resolve()
    path = (root / job.file_path).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path


def export_in_background(*, campaign: Campaign, kind: str, fmt: str, centres: list[Centre]) -> bool:
    """True when an export goes to the `exports` queue rather than streaming in the request."""
    if kind != ExportKind.RESPONSES:
        return False
    if fmt == ExportFormat.XLSX:
        return True
    limit = settings.EXPORT_INLINE_MAX_ROWS
    return response_count(campaign=campaign, centres=centres, limit=limit) > limit


@transaction.atomic
def export_request(
    *, by: User, campaign: Campaign, kind: str, fmt: str, centres: list[Centre]
) -> ExportJob | None:
    """None when the export streams in the request; else its job, queued after commit.

    The same export still queued or running for the same person and scope is reused."""
    if not export_in_background(campaign=campaign, kind=kind, fmt=fmt, centres=centres):
        return None
    centre_ids = sorted(c.pk for c in centres)
    pending = ExportJob.objects.filter(
        requested_by=by, campaign=campaign, kind=kind, fmt=fmt, status__in=PENDING
    ).prefetch_related("centres")
    for job in pending:
        if sorted(c.pk for c in job.centres.all()) == centre_ids:
            return job
    job = ExportJob.objects.create(requested_by=by, campaign=campaign, kind=kind, fmt=fmt)
    job.centres.set(centre_ids)
    _dispatch_on_commit(job.pk)
    logger.info(
        "export_requested job=%s campaign=%s kind=%s format=%s user_id=%s",
        job.pk,
        campaign.slug,
        kind,
        fmt,
        by.pk,
    )
    return job


def _dispatch_on_commit(job_id: int) -> None:
    from ..tasks import export_dispatch

    transaction.on_commit(partial(export_dispatch, job_id))


def export_mark_dispatched(*, job_id: int) -> None:
    """Note that the job's task reached the broker (the sweeper leaves it alone)."""
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        dispatched_at=timezone.now()
    )


@transaction.atomic
def export_retry(*, job: ExportJob) -> ExportJob:
    """Queue a failed export again (after commit)."""
    locked = ExportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ExportStatus.FAILED:
        raise ExportError(_("Only an export that failed can be started again."))
    locked.status = ExportStatus.QUEUED
    locked.rows_done = 0
    locked.error = ""
    locked.dispatched_at = locked.started_at = locked.finished_at = None
    locked.save(
        update_fields=[
            "status",
            "rows_done",
            "error",
            "dispatched_at",
            "started_at",
            "finished_at",
        ]
    )
    _dispatch_on_commit(locked.pk)
    logger.info("export_retried job=%s", locked.pk)
    return locked


def _claim(job_id: int) -> ExportJob | None:
    """Take the job for this run (new attempt number), or None if it is finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in PENDING:
            return None
        now = timezone.now()
        job.status = ExportStatus.RUNNING
        job.attempt += 1
        job.rows_done = 0
        job.rows_total = None
        job.error = ""
        job.started_at = job.progress_at = now
        job.finished_at = None
        job.save(
            update_fields=[
                "status",
                "attempt",
                "rows_done",
                "rows_total",
                "error",
                "started_at",
                "progress_at",
                "finished_at",
            ]
        )
        return job


def _progress(job_id: int, attempt: int, **fields) -> None:
    # Its own short transaction (autocommit): the job page sees it at once.
    updated = ExportJob.objects.filter(
        pk=job_id, attempt=attempt, status=ExportStatus.RUNNING
    ).update(progress_at=timezone.now(), **fields)
    if not updated:
        raise ExportSuperseded


def _tracked(rows: Iterable[list], *, job_id: int, attempt: int) -> Iterator[list]:
    """Pass the rows through, recording now and then how many were written."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return
    yield header
    done, reported = 0, time.monotonic()
    for row in iterator:
        yield row
        done += 1
        # Each report is a commit: at most one a second, however fast the rows come.
        if done % PROGRESS_EVERY == 0 and time.monotonic() - reported >= PROGRESS_SECONDS:
            _progress(job_id, attempt, rows_done=done)
            reported = time.monotonic()
    _progress(job_id, attempt, rows_done=done)


def _tracked_chunks(
    chunks: Generator[tuple[bytes, int], None, None], *, job_id: int, attempt: int
) -> Iterator[bytes]:
    """Pass CSV chunks through, recording now and then how many rows they held."""
    done, reported = 0, time.monotonic()
    with closing(chunks):  # stopped early (an error, another run), it stops the COPY too
        for chunk, rows in chunks:
            yield chunk
            done += rows
            # As in _tracked(): at most one commit a second (a chunk holds about 1,000 rows).
            if time.monotonic() - reported >= PROGRESS_SECONDS:
                _progress(job_id, attempt, rows_done=done)
                reported = time.monotonic()
    _progress(job_id, attempt, rows_done=done)


def _remove_temporary_files(root: Path, job_id: int) -> None:
    for stale in root.glob(f".{job_id}-*.tmp"):
        stale.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def export_run(*, job_id: int) -> ExportJob:
    """Write the job's file once: a done or failed job is returned as it is, a queued or
    interrupted one is (re)written from scratch to a temporary file renamed into place."""
    job = _claim(job_id)
    if job is None:
        return ExportJob.objects.get(pk=job_id)
    attempt, started = job.attempt, time.monotonic()
    campaign = Campaign.objects.select_related("questionnaire", "structure").get(pk=job.campaign_id)
    centres = list(job.centres.all())
    root = export_root()
    _remove_temporary_files(root, job.pk)
    temporary = root / f".{job.pk}-{attempt}.tmp"
    try:
        if job.kind == ExportKind.RESPONSES:
            _progress(
                job.pk, attempt, rows_total=response_count(campaign=campaign, centres=centres)
            )
        if (
            job.fmt == ExportFormat.CSV
            and job.kind == ExportKind.RESPONSES
            and response_csv_by_copy()
        ):
            # Written by PostgreSQL itself (COPY): the bytes go to the file as they come.
            chunks = _tracked_chunks(
                response_csv_chunks(campaign=campaign, centres=centres),
                job_id=job.pk,
                attempt=attempt,
            )
            with temporary.open("wb", buffering=1 << 20) as handle, closing(chunks):
                for chunk in chunks:
                    handle.write(chunk)
        else:
            rows = _tracked(
                export_rows(campaign=campaign, kind=job.kind, centres=centres),
                job_id=job.pk,
                attempt=attempt,
            )
            if job.fmt == ExportFormat.XLSX:
                xlsx_write(rows, str(temporary), title=job.kind)
            else:
                with temporary.open("w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
                    csv_write(rows, handle)
        digest, size = _digest(temporary), temporary.stat().st_size
        name = f"{job.pk}-{campaign.slug}-{job.kind}.{job.fmt}"
        with transaction.atomic():
            locked = ExportJob.objects.select_for_update().get(pk=job.pk)
            if locked.attempt != attempt or locked.status != ExportStatus.RUNNING:
                raise ExportSuperseded
            os.replace(temporary, root / name)
            locked.status = ExportStatus.DONE
            locked.file_path, locked.sha256, locked.size = name, digest, size
            locked.rows_total = locked.rows_done
            locked.finished_at = locked.progress_at = timezone.now()
            locked.save(
                update_fields=[
                    "status",
                    "file_path",
                    "sha256",
                    "size",
                    "rows_total",
                    "finished_at",
                    "progress_at",
                ]
            )
    except ExportSuperseded:
        temporary.unlink(missing_ok=True)
        logger.info("export_superseded job=%s attempt=%s", job.pk, attempt)
        return ExportJob.objects.get(pk=job.pk)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    seconds = time.monotonic() - started
    logger.info(
        "export_done job=%s rows=%s bytes=%s seconds=%.1f rows_per_second=%.0f",
        locked.pk,
        locked.rows_done,
        size,
        seconds,
        locked.rows_done / seconds if seconds else 0,
    )
    return locked


def export_mark_failed(*, job_id: int, error: str) -> None:
    """Record that a job failed (after its last retry); the requester may start it again."""
    ExportJob.objects.filter(pk=job_id, status__in=PENDING).update(
        status=ExportStatus.FAILED, error=error[:200], finished_at=timezone.now()
    )
    _remove_temporary_files(export_root(), job_id)
    logger.warning("export_failed job=%s error=%s", job_id, error[:200])


def export_jobs_to_requeue(*, now: datetime) -> list[int]:
    """Queued jobs whose task never reached the broker or was lost; running jobs that stalled
    are marked failed (their requester may start them again)."""
    stalled = ExportJob.objects.filter(
        status=ExportStatus.RUNNING, progress_at__lt=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    for job_id in list(stalled):
        export_mark_failed(job_id=job_id, error="interrupted")
    queued = ExportJob.objects.filter(status=ExportStatus.QUEUED)
    never = queued.filter(dispatched_at__isnull=True, created_at__lt=now - UNDISPATCHED_AFTER)
    lost = queued.filter(dispatched_at__lt=now - LOST_AFTER)
    return sorted({*never.values_list("pk", flat=True), *lost.values_list("pk", flat=True)})


def export_files_purge(*, now: datetime) -> int:
    """Delete the exports (rows and files) older than EXPORT_RETENTION_DAYS; return how many."""
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    root = export_root()
    old = ExportJob.objects.filter(created_at__lt=cutoff).exclude(status=ExportStatus.RUNNING)
    purged = 0
    for job_id, file_path in list(old.values_list("pk", "file_path")):
        if file_path:
            (root / Path(file_path).name).unlink(missing_ok=True)
        _remove_temporary_files(root, job_id)
        ExportJob.objects.filter(pk=job_id).delete()
        purged += 1
    # Files no job points at any more (a job deleted with its campaign, a crash mid-rename).
    known = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
    for path in root.iterdir():
        if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    logger.info("exports_purged count=%s", purged)
    return purged
