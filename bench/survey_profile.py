"""In-process profile of the public survey page: queries, mean time and cProfile of GET and POST.

    DJANGO_ENV=development DEBUG=0 DATABASE_URL=postgres://... \\
        .venv/bin/python bench/survey_profile.py --campaign usagers-2025 --requests 200 [--profile]

Issues fresh links of the campaign (its closing date must be in the future), then, with Django's
test client (no HTTP server): lists the queries of one GET, one valid POST and one invalid POST,
times GET and valid POST (urlencoded, as a browser sends them) and, with --profile, prints the
functions that cost the most (cumulative time). Run it on PostgreSQL with DEBUG=0.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from surveys.models import Campaign  # noqa: E402
from surveys.services.campaigns import invitations_issue  # noqa: E402

ANSWERS = {
    "q_e1": "very",
    "q_e2": "rather",
    "q_e3": "very",
    "q_e5": "dont_know",
    "q_overall": "very",
    "q_comment": "",
}
FORM = "application/x-www-form-urlencoded"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="usagers-2025")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    campaign = Campaign.objects.get(slug=args.campaign)
    tokens = [t for _c, t in invitations_issue(campaign=campaign, count=3 * args.requests + 10)]
    client = Client(HTTP_HOST="127.0.0.1")

    def url(token: str) -> str:
        return reverse("surveys:answer", kwargs={"token": token})

    def get(n: int) -> None:
        for token in tokens[:n]:
            client.get(url(token))

    def post(n: int) -> None:
        for _ in range(n):
            client.post(url(tokens.pop()), urlencode(ANSWERS), content_type=FORM)

    token = tokens.pop()
    client.get(url(token))  # warm up: templates, caches
    for name, send in (
        ("GET", lambda: client.get(url(token))),
        ("POST", lambda: client.post(url(token), urlencode(ANSWERS), content_type=FORM)),
        ("invalid POST", lambda: client.post(url(tokens.pop()), {"q_e1": "x"})),
    ):
        with CaptureQueriesContext(connection) as queries:
            status = send().status_code
        print(f"{name}: status {status}, {len(queries.captured_queries)} queries")
        for query in queries.captured_queries:
            print(f"    {query['sql'][:120]}")
    for name, run in (("GET", get), ("POST", post)):
        run(5)
        started = time.perf_counter()
        run(args.requests)
        mean = (time.perf_counter() - started) / args.requests * 1000
        print(f"{name}: {mean:.2f} ms per request (mean of {args.requests})")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(run, args.requests)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
