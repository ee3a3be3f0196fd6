"""Time the results page and the public result functions over the data in the database.

    DATABASE_URL=postgres://... python bench/survey_results.py --campaign bench-usagers
    DATABASE_URL=postgres://... python bench/survey_results.py --url http://127.0.0.1:8000

Prints p50 / p95 in milliseconds over N runs of:
  baseline   the aggregation the page ran before sealed rollups, as bare SQL on the daily
             rollups (by question x centre, and by month for the overall question);
  admin      the results page of the campaign, signed in as the demo DITP administrator
             (every centre, the whole campaign);
  referent   the same page signed in as the demo referent of Lille (one centre);
  cut-months the administrator's page for a period from the 15th of the third month to the
             15th of the tenth (months cut at both ends);
  engagement_rates()  surveys.queries.results.engagement_rates() for the structure, whole campaign.
Pages run in-process through Django's test client (application and database, no server), or
over HTTP against a running server with --url (a session is opened here, in the same
database, and sent as a cookie). Each line is warmed up once before it is timed.
"""

import argparse
import os
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from centres.models import User  # noqa: E402
from surveys.models import Campaign, Question  # noqa: E402
from surveys.queries.results import engagement_rates  # noqa: E402

ADMIN = "admin@demo.spplus.fr"
REFERENT = "referent.lille@demo.spplus.fr"
PATH = "/enquetes/resultats/"


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"p50={statistics.median(samples):.1f} ms p95={p95:.1f} ms n={len(samples)}"


def timed(function, runs: int) -> list[float]:
    function()  # warm-up, not counted
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def page(email: str, params: dict, url: str | None):
    """A function that GETs the results page as `email`, in-process or over HTTP."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    if url is None:

        def get():
            response = client.get(PATH, params)
            assert response.status_code == 200, response.status_code

        return get
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    request = urllib.request.Request(
        f"{url.rstrip('/')}{PATH}?{urllib.parse.urlencode(params)}", headers={"Cookie": cookie}
    )

    def get_http():
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, response.status
            response.read()

    return get_http


def baseline(campaign: Campaign, start: date, end: date):
    """The former page's two aggregate queries, bare SQL over the daily rollups."""
    questions = Question.objects.filter(
        questionnaire_id=campaign.questionnaire_id, kind="satisfaction_4"
    )
    scale = list(questions.values_list("pk", flat=True))
    overall = list(questions.filter(engagement_number=None).values_list("pk", flat=True))
    centres = list(campaign.centres.values_list("pk", flat=True))
    where = (
        "campaign_id = %s AND day >= %s AND day <= %s AND centre_id = ANY(%s) "
        "AND question_id = ANY(%s)"
    )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT question_id, centre_id, value, SUM(count) FROM surveys_dailyrollup "
                f"WHERE {where} GROUP BY 1, 2, 3",
                [campaign.pk, start, end, centres, scale],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT date_trunc('month', day), value, SUM(count) FROM surveys_dailyrollup "
                f"WHERE {where} GROUP BY 1, 2",
                [campaign.pk, start, end, centres, overall],
            )
            cursor.fetchall()

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="bench-usagers")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url", help="base URL of a running server (default: in-process)")
    parser.add_argument("--only", action="append", help="run only these lines (repeatable)")
    args = parser.parse_args()
    campaign = Campaign.objects.get(slug=args.campaign)
    start = campaign.opens_on
    end = max(start, min(campaign.closes_on, timezone.localdate()))
    cut = {
        "campaign": campaign.slug,
        "start": start.replace(month=3, day=15).isoformat(),
        "end": start.replace(month=10, day=15).isoformat(),
    }
    lines = {
        "baseline": baseline(campaign, start, end),
        "admin": page(ADMIN, {"campaign": campaign.slug}, args.url),
        "referent": page(REFERENT, {"campaign": campaign.slug}, args.url),
        "cut-months": page(ADMIN, cut, args.url),
        "engagement_rates()": lambda: engagement_rates(
            structure_id=campaign.structure_id, start=start, end=end
        ),
    }
    print(
        f"campaign={campaign.slug} sealed_through={campaign.rollups_sealed_through} "
        f"mode={'http ' + args.url if args.url else 'in-process'} "
        f"load={os.getloadavg()[0]:.2f}"
    )
    for name, function in lines.items():
        if args.only and name not in args.only:
            continue
        samples = timed(function, args.runs)
        print(f"{name:<20} {percentiles(samples)} load={os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
