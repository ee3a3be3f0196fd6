"""CSV export of anonymous responses (design §6: >= 100k rows/s streamed, worker RSS <= 150 MB).

On a throw-away PostgreSQL database loaded with `manage.py seed_demo` and
`bench/generate_responses.py --responses 1000000`, with Redis as broker:

    DJANGO_ENV=development DATABASE_URL=postgres://.../spplus_bench \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/2 python bench/exports.py [--xlsx]

It holds /tmp/bench.lock while it measures (other benchmarks wait for it) and prints:
1. the load (`uptime`) before and after;
2. baseline: a bare `COPY (SELECT ...) TO STDOUT` through psycopg of the same rows (one row
   per response, answers pivoted into columns), bytes read and dropped;
3. inline: GET of the export URL through Django's test client, the CSV streamed and dropped,
   in a child process whose peak RSS is reported;
4. job: the export requested through `export_request` and written by a Celery worker that
   this script starts (`-Q exports --pool=solo`, its files in a temporary folder): time from
   the request to the file being ready, and the worker's peak RSS (VmHWM) before and after.
   `--xlsx` also runs the XLSX job of the same rows.
On PostgreSQL the inline and job CSVs are written by the database itself
(`surveys.queries.exports.response_csv_chunks`: a COPY like the baseline's, with the formulas
neutralised in the SELECT); the XLSX job still goes through Python (`response_rows`).

Every export job it creates belongs to the demo DITP administrator: never run it on real data.
"""

import argparse
import fcntl
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from centres.models import Centre, User  # noqa: E402
from surveys.enums import QuestionKind  # noqa: E402
from surveys.models import Campaign, ExportJob, Question  # noqa: E402

ADMIN_EMAIL = "admin@demo.spplus.fr"
LOCK = "/tmp/bench.lock"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def baseline(campaign: Campaign) -> dict:
    """The same rows straight from PostgreSQL: what no Python code can beat."""
    columns = ", ".join(
        f"MAX(CASE WHEN a.question_id = {q.pk} THEN a."
        f"{'text' if q.kind == QuestionKind.COMMENT else 'value'} END)"
        for q in Question.objects.filter(questionnaire_id=campaign.questionnaire_id)
    )
    query = (
        f"COPY (SELECT c.code, r.day, {columns} FROM surveys_response r "
        "JOIN centres_centre c ON c.id = r.centre_id "
        "LEFT JOIN surveys_answer a ON a.response_id = r.id "
        f"WHERE r.campaign_id = {int(campaign.pk)} GROUP BY r.id, c.code ORDER BY r.id) "
        "TO STDOUT WITH (FORMAT csv)"
    )
    started, size, lines = time.perf_counter(), 0, 0
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        for block in copy:
            size += len(block)
            lines += bytes(block).count(b"\n")
    return {"rows": lines, "bytes": size, "seconds": time.perf_counter() - started}


def inline(slug: str) -> dict:
    """GET the export URL and read the streamed CSV (run in a child process)."""
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EXPORT_INLINE_MAX_ROWS = 10**9
    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    url = reverse("surveys:export", kwargs={"slug": slug, "kind": "responses", "fmt": "csv"})
    started, size, lines = time.perf_counter(), 0, 0
    response = client.get(url)
    assert response.status_code == 200 and response.streaming, response.status_code
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": lines - 1, "bytes": size, "seconds": seconds, "peak_rss_mb": peak}


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_worker(export_root: str) -> subprocess.Popen:
    env = {**os.environ, "EXPORT_ROOT": export_root, "DEBUG": "0"}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "exports"]
    command += ["--pool=solo", "-n", f"bench-exports-{os.getpid()}@%h", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for_worker(process: subprocess.Popen) -> None:
    from config.celery import app

    name = f"bench-exports-{os.getpid()}@"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if any(next(iter(reply)).startswith(name) for reply in replies):
            return
        if process.poll() is not None:
            sys.exit("the Celery worker stopped")
    sys.exit("the Celery worker did not answer within 60 s")


def job(campaign: Campaign, fmt: str, worker_pid: int) -> dict:
    from surveys.services.exports import export_request

    settings.EXPORT_INLINE_MAX_ROWS = 0
    centres = list(Centre.objects.filter(structure_id=campaign.structure_id))
    before = vm_hwm_mb(worker_pid)
    started = time.perf_counter()
    asked = export_request(
        by=User.objects.get(email=ADMIN_EMAIL),
        campaign=campaign,
        kind="responses",
        fmt=fmt,
        centres=centres,
    )
    while True:
        done = ExportJob.objects.get(pk=asked.pk)
        if done.status in ("done", "failed"):
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    worker_seconds = (done.finished_at - done.started_at).total_seconds()
    return {
        "format": fmt,
        "status": done.status,
        "rows": done.rows_done,
        "bytes": done.size,
        "seconds_from_request": seconds,
        "seconds_in_worker": worker_seconds,
        "worker_rss_before_mb": before,
        "worker_peak_rss_mb": vm_hwm_mb(worker_pid),
    }


def report(name: str, figures: dict) -> None:
    seconds = figures.get("seconds") or figures["seconds_from_request"]
    shown = " ".join(
        f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}"
        for key, value in figures.items()
    )
    print(f"{name}: rows_per_second={figures['rows'] / seconds:,.0f} {shown}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="bench-usagers")
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--inline-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inline_child:
        print(json.dumps(inline(args.campaign)))
        return
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        sys.exit("PostgreSQL and a Redis broker only (set DATABASE_URL and CELERY_BROKER_URL).")
    campaign = Campaign.objects.get(slug=args.campaign)
    export_root = tempfile.mkdtemp(prefix="bench-exports-")
    worker = start_worker(export_root)
    try:
        wait_for_worker(worker)
        with open(LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            print("load before:", uptime(), flush=True)
            results = {"baseline_copy": baseline(campaign)}
            report("baseline_copy", results["baseline_copy"])
            child = subprocess.run(
                [sys.executable, __file__, "--campaign", args.campaign, "--inline-child"],
                capture_output=True,
                text=True,
            )
            if child.returncode:
                sys.exit(f"the inline export failed:\n{child.stderr[-3000:]}")
            results["inline"] = json.loads(child.stdout.strip().splitlines()[-1])
            report("inline", results["inline"])
            results["job_csv"] = job(campaign, "csv", worker.pid)
            report("job_csv", results["job_csv"])
            if args.xlsx:
                results["job_xlsx"] = job(campaign, "xlsx", worker.pid)
                report("job_xlsx", results["job_xlsx"])
            print("load after:", uptime(), flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        for path in Path(export_root).iterdir():
            path.unlink()
        Path(export_root).rmdir()


if __name__ == "__main__":
    main()
