"""Exports too large for one request: a job on the `exports` queue, its progress, its file."""

import csv
import hashlib
import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from centres.enums import Role
from config.celery import app as celery_app
from surveys.enums import ExportStatus
from surveys.models import ExportJob
from surveys.queries.exports import response_rows
from surveys.services import exports as services_exports
from surveys.services.ballot import ballots_mix
from surveys.services.exports import (
    export_files_purge,
    export_jobs_to_requeue,
    export_request,
    export_run,
)
from surveys.tasks import requeue_exports, run_export

from ...conftest import requires_broker, wait_for
from ..conftest import GOOD_ANSWERS, after_close

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'


@pytest.fixture(autouse=True)
def export_root(tmp_path, settings, monkeypatch):
    """A private folder per test, for this process and for a worker it starts."""
    root = tmp_path / "exports"
    settings.EXPORT_ROOT = root
    monkeypatch.setenv("EXPORT_ROOT", str(root))
    return root


@pytest.fixture
def answered(client, settings, citizen_campaign, issue, count_all):
    """Three answers from Lille, one of them with a comment that looks like a formula, counted
    by the mixer (batches of 3 here: SURVEY_K_ANONYMITY = 3)."""
    settings.SURVEY_K_ANONYMITY = 3
    for token, comment in zip(
        issue(citizen_campaign, n=3, centre_code="lille"), [EVIL, "+33 6", "Merci"], strict=True
    ):
        url = reverse("surveys:answer", kwargs={"token": token})
        client.post(url, {**GOOD_ANSWERS, "q_comment": comment})
    assert count_all(citizen_campaign).mixed == 3
    return citizen_campaign


def export_url(kind="responses", fmt="csv", slug="usagers-test"):
    return reverse("surveys:export", kwargs={"slug": slug, "kind": kind, "fmt": fmt})


def job_url(name, job):
    return reverse(f"surveys:{name}", kwargs={"pk": job.pk})


def a_job(users, campaign, role=Role.CORRESPONDENT, fmt="csv", **fields):
    from centres.models import Centre

    job = ExportJob.objects.create(
        requested_by=users[role], campaign=campaign, kind="responses", fmt=fmt, **fields
    )
    job.centres.set(Centre.objects.filter(structure_id=campaign.structure_id))
    return job


def file_text(root, job) -> str:
    return (root / job.file_path).read_bytes().decode("utf-8-sig")


def test_a_small_csv_of_responses_streams_in_the_request(client, users, answered):
    client.force_login(users[Role.CORRESPONDENT])
    response = client.get(export_url())
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).decode("utf-8-sig").count("\r\nlille,") == 3
    assert not ExportJob.objects.exists()


def test_a_csv_above_the_inline_limit_becomes_a_job(
    client, users, answered, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(export_url())
    assert page.status_code == 200 and "Préparer le fichier" in page.content.decode()
    assert not ExportJob.objects.exists()  # GET asks, POST queues
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(export_url())
    job = ExportJob.objects.get()
    assert response.url == job_url("export_job", job)
    job.refresh_from_db()  # eager Celery ran it after commit
    assert (job.status, job.rows_done, job.rows_total) == ("done", 3, 3)


def test_an_xlsx_of_responses_is_always_a_job_but_results_stream(client, users, answered):
    client.force_login(users[Role.CORRESPONDENT])
    assert client.post(export_url(fmt="xlsx")).status_code == 302
    assert ExportJob.objects.get().fmt == "xlsx"
    results = client.get(export_url(kind="results", fmt="xlsx"))
    assert results.status_code == 200 and results["Content-Disposition"].startswith("attachment")


def test_a_double_click_does_not_queue_the_same_export_twice(users, answered):
    from centres.models import Centre

    centres = list(Centre.objects.filter(code__in=["lille", "lens"]))
    asked = dict(by=users[Role.CORRESPONDENT], campaign=answered, kind="responses", fmt="xlsx")
    first = export_request(**asked, centres=centres)
    assert export_request(**asked, centres=centres) == first
    assert export_request(**asked, centres=centres[:1]) != first  # another scope


def test_the_job_reports_its_progress_while_it_runs(client, users, answered, monkeypatch):
    monkeypatch.setattr(services_exports, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(services_exports, "PROGRESS_SECONDS", 0)
    job = a_job(users, answered)
    seen = []
    real = services_exports._progress
    monkeypatch.setattr(
        services_exports, "_progress", lambda *a, **f: seen.append(f) or real(*a, **f)
    )
    export_run(job_id=job.pk)
    assert seen == [
        {"rows_total": 3},
        {"rows_done": 1},
        {"rows_done": 2},
        {"rows_done": 3},
        {"rows_done": 3},
    ]


def test_the_job_page_shows_a_progress_bar_that_works_without_javascript(client, users, answered):
    job = a_job(users, answered, status=ExportStatus.RUNNING, rows_done=42, rows_total=100)
    client.force_login(users[Role.CORRESPONDENT])
    html = client.get(job_url("export_job", job)).content.decode()
    assert '<progress id="export-progress" class="spp-progress" max="100" value="42">' in html
    assert '<label class="fr-label" for="export-progress">' in html
    assert "42 % – 42 lignes écrites sur 100." in html and "Actualiser" in html
    assert 'src="/static/js/export-progress.js"' in html
    status = client.get(job_url("export_status", job)).json()
    assert (status["status"], status["percent"], status["finished"]) == ("running", 42, False)


def test_a_finished_job_offers_its_file_as_an_attachment(client, users, answered, export_root):
    job = export_run(job_id=a_job(users, answered).pk)
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(job_url("export_job", job)).content.decode()
    assert job_url("export_download", job) in page and job.sha256 in page
    response = client.get(job_url("export_download", job))
    assert response["Content-Disposition"] == 'attachment; filename="usagers-test-responses.csv"'
    data = b"".join(response.streaming_content)
    assert (
        hashlib.sha256(data).hexdigest()
        == job.sha256
        == hashlib.sha256((export_root / job.file_path).read_bytes()).hexdigest()
    )


def test_the_job_file_has_the_same_content_as_the_streamed_export(
    client, users, answered, export_root
):
    job = export_run(job_id=a_job(users, answered).pk)
    client.force_login(users[Role.CORRESPONDENT])
    streamed = b"".join(client.get(export_url()).streaming_content).decode("utf-8-sig")
    assert file_text(export_root, job) == streamed


@pytest.mark.parametrize("name", ["export_job", "export_status", "export_download"])
def test_someone_else_s_export_does_not_exist_for_them(client, users, answered, name):
    job = export_run(job_id=a_job(users, answered).pk)
    for role, status in [(Role.REFERENT, 404), (Role.AUDITOR, 404), (Role.DITP_ADMIN, 200)]:
        client.force_login(users[role])
        assert client.get(job_url(name, job)).status_code == status, role
    client.force_login(users[Role.REFERENT])
    assert client.post(job_url("export_job_retry", job)).status_code == 404


def test_running_a_job_twice_writes_one_file_with_the_same_sha256(users, answered, export_root):
    job = a_job(users, answered)
    first = export_run(job_id=job.pk)
    second = export_run(job_id=job.pk)
    assert (second.sha256, second.attempt, second.finished_at) == (
        first.sha256,
        1,
        first.finished_at,
    )
    assert [p.name for p in export_root.iterdir()] == [first.file_path]


def test_an_interrupted_job_starts_over_from_scratch(users, answered, export_root):
    job = a_job(users, answered, status=ExportStatus.RUNNING, attempt=1, rows_done=2)
    export_root.mkdir()
    (export_root / f".{job.pk}-1.tmp").write_text("half a file")
    done = export_run(job_id=job.pk)
    assert (done.status, done.attempt, done.rows_done) == ("done", 2, 3)
    assert [p.name for p in export_root.iterdir()] == [done.file_path]
    assert "half a file" not in file_text(export_root, done)


def test_a_run_that_was_superseded_leaves_the_job_to_the_newer_run(
    users, answered, export_root, monkeypatch
):
    job = a_job(users, answered)

    def rows_while_another_run_claims(**kwargs):
        yield ["centre"]
        ExportJob.objects.filter(pk=job.pk).update(attempt=7)
        yield ["lille"]

    monkeypatch.setattr(services_exports, "export_rows", rows_while_another_run_claims)
    left = export_run(job_id=job.pk)
    assert (left.status, left.attempt, left.file_path) == ("running", 7, "")
    assert list(export_root.iterdir()) == []


def test_formulas_are_neutralised_in_the_csv_job_file(users, answered, export_root):
    job = export_run(job_id=a_job(users, answered).pk)
    rows = list(csv.reader(io.StringIO(file_text(export_root, job))))
    comments = [row[-1] for row in rows[1:]]
    assert sorted(comments) == sorted(["'" + EVIL, "'+33 6", "Merci"])


def test_formulas_are_neutralised_in_the_xlsx_job_file(users, answered, export_root):
    job = export_run(job_id=a_job(users, answered, fmt="xlsx").pk)
    sheet = load_workbook(export_root / job.file_path, read_only=True).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'" + EVIL in cells and job.rows_done == 3
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in cells)


def test_a_failed_export_shows_its_error_and_can_be_started_again(
    client, users, answered, django_capture_on_commit_callbacks
):
    job = a_job(users, answered, status=ExportStatus.FAILED, error="OperationalError")
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(job_url("export_job", job)).content.decode()
    assert "L'export a échoué" in page and "OperationalError" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job_url("export_job_retry", job))
    assert response.url == job_url("export_job", job)
    job.refresh_from_db()
    assert (job.status, job.error, job.rows_done) == ("done", "", 3)


def test_only_a_failed_export_can_be_started_again(client, users, answered):
    job = export_run(job_id=a_job(users, answered).pk)
    client.force_login(users[Role.CORRESPONDENT])
    page = client.post(job_url("export_job_retry", job), follow=True).content.decode()
    assert "Seul un export qui a échoué peut être relancé." in page
    job.refresh_from_db()
    assert job.status == "done"


def test_with_the_broker_down_the_request_succeeds_and_the_sweeper_queues_the_job(
    client, users, answered, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(run_export, "delay", broker_down)
    client.force_login(users[Role.CORRESPONDENT])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(export_url(fmt="xlsx")).status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.dispatched_at) == ("queued", None)
    monkeypatch.undo()
    ExportJob.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    assert requeue_exports() == 1
    job.refresh_from_db()
    assert job.status == "done"


def test_a_job_that_stopped_making_progress_is_marked_failed(users, answered):
    stalled = timezone.now() - timedelta(minutes=11)
    job = a_job(users, answered, status=ExportStatus.RUNNING, progress_at=stalled)
    assert export_jobs_to_requeue(now=timezone.now()) == []
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "interrupted")


def test_exports_older_than_the_retention_are_purged(users, answered, export_root, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    old = export_run(job_id=a_job(users, answered).pk)
    recent = export_run(job_id=a_job(users, answered).pk)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    (export_root / "orphan.csv").write_text("x")
    os.utime(export_root / "orphan.csv", (0, 0))
    assert export_files_purge(now=timezone.now()) == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [p.name for p in export_root.iterdir()] == [recent.file_path]


def test_my_exports_lists_only_mine_newest_first_in_few_queries(
    client, users, answered, django_assert_max_num_queries
):
    mine = [a_job(users, answered) for _ in range(3)]
    a_job(users, answered, role=Role.DITP_ADMIN)
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:export_list"))
    assert [job.pk for job in response.context["page_obj"]] == [j.pk for j in reversed(mine)]


def test_my_exports_is_paginated_and_has_an_empty_state(client, users, answered):
    client.force_login(users[Role.REFERENT])
    assert (
        "Aucun export pour l'instant" in client.get(reverse("surveys:export_list")).content.decode()
    )
    for _ in range(21):
        a_job(users, answered, role=Role.REFERENT)
    page = client.get(reverse("surveys:export_list") + "?page=2")
    assert (
        len(page.context["page_obj"].object_list) == 1
        and 'class="fr-pagination"' in page.content.decode()
    )


def test_the_export_task_goes_to_the_exports_queue():
    route = celery_app.amqp.router.route({}, "surveys.tasks.run_export")
    assert route["queue"].name == "exports"


@requires_broker
@pytest.mark.services
def test_a_real_celery_worker_writes_the_export(
    export_root, celery_worker_process, organisation, users, client, issue
):
    from surveys.defaults import CITIZEN_CODE

    from ..conftest import _campaign

    campaign = _campaign("usagers-worker", CITIZEN_CODE)
    for token in issue(campaign, n=5, centre_code="lille"):
        client.post(reverse("surveys:answer", kwargs={"token": token}), GOOD_ANSWERS)
    ballots_mix(now=after_close(campaign))
    client.force_login(users[Role.CORRESPONDENT])
    client.post(export_url(fmt="xlsx", slug=campaign.slug))
    done = wait_for(lambda: ExportJob.objects.filter(status="done").first(), timeout=60)
    assert done.rows_done == 5 and done.dispatched_at is not None
    assert hashlib.sha256((export_root / done.file_path).read_bytes()).hexdigest() == done.sha256


def test_responses_read_by_pages_of_two_are_the_responses_read_in_one_page(answered):
    from centres.models import Centre

    centres = list(Centre.objects.all())
    by_two = list(response_rows(campaign=answered, centres=centres, chunk_size=2))
    assert by_two == list(response_rows(campaign=answered, centres=centres))
    assert len(by_two) == 1 + 3
