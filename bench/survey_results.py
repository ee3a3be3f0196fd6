"""Time the results page and the public result functions over the data in the database.

    DATABASE_URL=postgres://... python bench/survey_results.py --campaign bench-usagers

Runs the results view in-process through Django's test client (signed in as a DITP
administrator of the demo) N times and prints p50 / p95 in milliseconds, then the same for
surveys.results.engagement_rates(). The figures measure the application and the database,
without gunicorn in front.
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

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from centres.models import User  # noqa: E402
from surveys.models import Campaign  # noqa: E402
from surveys.results import engagement_rates  # noqa: E402


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"p50={statistics.median(samples):.1f} ms p95={p95:.1f} ms n={len(samples)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="bench-usagers")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    setup_test_environment()
    campaign = Campaign.objects.get(slug=args.campaign)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email="admin@demo.spplus.fr"))
    page = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get("/enquetes/resultats/", {"campaign": campaign.slug})
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print("results page:", percentiles(page))
    calls = []
    for _ in range(args.runs):
        started = time.perf_counter()
        engagement_rates(
            structure_id=campaign.structure_id, start=campaign.opens_on, end=campaign.closes_on
        )
        calls.append((time.perf_counter() - started) * 1000)
    print("engagement_rates():", percentiles(calls))


if __name__ == "__main__":
    main()
