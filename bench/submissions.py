"""Submissions/s and p95 of the public survey page against a running server (e.g. gunicorn).

    python manage.py issue_invitations --campaign usagers-2025 --count 5000 > /tmp/links.txt
    python bench/submissions.py --links /tmp/links.txt --concurrency 16

Each link is opened (GET, which sets the CSRF cookie) then answered (POST, 302 expected).
Prints GET and POST throughput and p50 / p95 latencies, and the count of unexpected statuses.
Standard library only.

A POST claims its link and seals its sheet in the ballot box; the mixer counts the sheets
later (Celery beat). Run the server with SURVEY_MIX_ON_SUBMIT=0 (what production does with
beat), then `python manage.py mix_ballots` prints how long the mixer takes for what waits.
"""

import argparse
import http.client
import re
import statistics
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

ANSWERS = {
    "q_e1": "very",
    "q_e2": "rather",
    "q_e3": "very",
    "q_e5": "dont_know",
    "q_overall": "very",
    "q_comment": "",
}


def one(url: str) -> tuple[float, float, int, int]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    started = time.perf_counter()
    connection.request("GET", parts.path)
    response = connection.getresponse()
    response.read()
    get_ms = (time.perf_counter() - started) * 1000
    cookie = response.getheader("Set-Cookie", "")
    token = re.search(r"csrftoken=([^;]+)", cookie).group(1) if "csrftoken=" in cookie else ""
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": token})
    started = time.perf_counter()
    connection.request(
        "POST",
        parts.path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
        },
    )
    answer = connection.getresponse()
    answer.read()
    post_ms = (time.perf_counter() - started) * 1000
    connection.close()
    return get_ms, post_ms, response.status, answer.status


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", default="/tmp/links.txt")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    links = [line.strip() for line in open(args.links) if line.strip()]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(one, links))
    elapsed = time.perf_counter() - started
    gets = [r[0] for r in results]
    posts = [r[1] for r in results]
    errors = sum(1 for r in results if r[2] != 200 or r[3] != 302)
    print(f"links={len(links)} concurrency={args.concurrency} seconds={elapsed:.1f}")
    print(f"submissions/s={len(links) / elapsed:.0f} (each with its GET)")
    print(f"GET  p50={statistics.median(gets):.0f} ms p95={p95(gets):.0f} ms")
    print(f"POST p50={statistics.median(posts):.0f} ms p95={p95(posts):.0f} ms")
    print(f"unexpected_statuses={errors}")


if __name__ == "__main__":
    main()
