"""Time « Trouver un service » over the data in the database (anonymous, in-process, no cache).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/search.py [--runs 30]

Each query of QUERIES (postal code, city with and without accents, department, network, two
words, nothing found) is asked --runs times through Django's test client with the cache
emptied before each request and an undeclared parameter (`b`, like bench/p95.lua's WRK_BYPASS),
so the whole page is rendered every time (search and count in one query, page, labels,
satisfaction) without the page cache's own round trips (a live site pays them once a copy).
Prints p50 / p95 per query and over all, in milliseconds, and the queries of one request;
as a baseline measured in the same run, the static accessibility page.
Run bench/scale_data.py first for the programme's scale."""

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

QUERIES = [
    "59000",
    "Angoulême",
    "angouleme",
    "saint etienne",
    "2A",
    "974",
    "allocations",
    "mairies paris",
    "zzzz",
]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


CPU: list[float] = []  # this process's CPU time per request (the database's is not in it)


def timed(client: Client, path: str, params: dict, runs: int) -> tuple[list[float], int, int]:
    samples = []
    for run in range(runs):
        cache.clear()
        started, cpu = time.perf_counter(), time.thread_time()
        response = client.get(path, {**params, "b": run})
        samples.append((time.perf_counter() - started) * 1000)
        CPU.append((time.thread_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    found = response.content.decode().count('<a class="fr-link" href="/centres-publics/')
    return samples, len(queries), found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    load = os.getloadavg()[0]
    print(f"vendor={connection.vendor} runs={args.runs} load={load:.2f}")
    every = []
    samples, queries, _found = timed(client, "/accessibilite/", {}, args.runs)
    CPU.clear()
    print(
        f"{'baseline /accessibilite/':28} p50 {statistics.median(samples):6.1f}  p95 "
        f"{p95(samples):6.1f} ms  {queries} queries"
    )
    for query in QUERIES:
        samples, queries, found = timed(client, "/trouver-un-service/", {"q": query}, args.runs)
        every += samples
        print(
            f"{query!r:28} p50 {statistics.median(samples):6.1f}  p95 {p95(samples):6.1f} ms"
            f"  {queries} queries, {found} results on page 1"
        )
    print(f"{'all searches':28} p50 {statistics.median(every):6.1f}  p95 {p95(every):6.1f} ms")
    cpu50, cpu95 = statistics.median(CPU), p95(CPU)
    print(f"{'all searches, CPU of Django':28} p50 {cpu50:6.1f}  p95 {cpu95:6.1f} ms")
    print(f"load at the end={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
