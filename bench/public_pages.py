"""Time the public pages over the data in the database (anonymous visitor, in-process).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/public_pages.py --centre lille

Runs each page N times through Django's test client and prints p50 / p95 in milliseconds and
the number of SQL queries of one request: the home page, a centre's public page with an empty
cache (figures computed from the rollups) and with a warm one, the open-data page, the
open-data CSV of the latest published campaign (cold and warm), and, as a baseline measured in
the same run, the centre's public action plan page (one short query, no figures). Without
gunicorn in front: the figures measure the application, the cache and the database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from labelling.views.public import centre_figures_cache_key  # noqa: E402
from surveys.queries.results import published_citizen_campaigns  # noqa: E402
from surveys.views.open_data import open_data_cache_key  # noqa: E402


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"p50={statistics.median(samples):.1f} ms p95={p95:.1f} ms"


def measure(client: Client, label: str, url: str, runs: int, before=None) -> None:
    samples = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    print(f"{label:<34} {percentiles(samples)} queries={len(queries.captured_queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--centre", default="lille")
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    setup_test_environment()
    client = Client(HTTP_HOST="127.0.0.1")
    code = args.centre
    centre_url = reverse("public_centre", kwargs={"code": code})

    def forget_centre():
        cache.delete(centre_figures_cache_key(code, "fr"))

    measure(
        client, "baseline: public action plan", f"/centres-publics/{code}/plan-d-action/", args.runs
    )
    measure(client, "home (20 centres + labels)", reverse("home"), args.runs)
    measure(client, "centre page, cold cache", centre_url, args.runs, before=forget_centre)
    client.get(centre_url)
    measure(client, "centre page, warm cache", centre_url, args.runs)
    measure(client, "open-data page", reverse("surveys:open_data"), args.runs)
    campaign = published_citizen_campaigns().first()
    if campaign is not None:
        url = reverse("surveys:open_data_csv", kwargs={"slug": campaign.slug})
        runs = max(5, args.runs // 10)
        measure(
            client,
            "open-data CSV, cold cache",
            url,
            runs,
            before=lambda: cache.delete(open_data_cache_key(campaign.slug)),
        )
        measure(client, "open-data CSV, warm cache", url, args.runs)


if __name__ == "__main__":
    main()
