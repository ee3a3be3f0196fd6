"""Audit report download: rendered in the request (before) against served from the stored file
(now, labelling.reports), over the demo's 2025 audit (7 sites, every criterion, 8 findings).

    DJANGO_ENV=development DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/audit_report.py 20

Needs a database seeded with `manage.py seed_demo`. Prints the median and the worst of N runs
of each way, in milliseconds, through the Django test client signed in as the demo auditor.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from centres.models import User  # noqa: E402
from labelling.certificates import audit_report_pdf  # noqa: E402
from labelling.models import Audit  # noqa: E402
from labelling.reports import report_build  # noqa: E402


def _timed(function, count: int) -> list[float]:
    runs = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def main(count: int) -> None:
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    audit = Audit.objects.select_related("application").order_by("pk").first()
    report_build(audit_id=audit.pk)  # what the worker did after the last change
    client = Client()
    client.force_login(User.objects.get(email="auditeur@demo.spplus.fr"))
    url = reverse("labelling:audit_report", kwargs={"pk": audit.pk})

    def served():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)

    before = _timed(lambda: audit_report_pdf(audit), count)  # the old view's work
    now = _timed(served, count)
    for name, runs in (("rendered in the request (before)", before), ("stored file (now)", now)):
        print(f"{name:<34} median {statistics.median(runs):7.1f} ms  max {max(runs):7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
