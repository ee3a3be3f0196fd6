"""1,000 concurrent submissions of ONE link through gunicorn: exactly one may be stored.

    bench/chaos/stack.sh links 1 double chaos-double
    flock /tmp/bench.lock .venv/bin/python bench/chaos/double_submit.py \
        --link "$(cat var/chaos/double.txt)" --count 1000

The form is opened once (GET: CSRF cookie), then `count` threads each open their own
connection, wait at a barrier and send the same POST at once (a double click, a retry storm).
Prints the status histogram; chaos_db.py double then counts the responses stored. Exits 1
unless exactly one POST was acknowledged, the others got 409, and none got a 5xx.
Standard library only.
"""

import argparse
import http.client
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from submissions import ANSWERS  # noqa: E402


def _stored(token: str) -> dict:
    output = subprocess.run(
        [sys.executable, str(HERE / "chaos_db.py"), "double", f"--token={token}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--link", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    parts = urllib.parse.urlsplit(args.link)
    opening = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    opening.request("GET", parts.path)
    page = opening.getresponse()
    page.read()
    if page.status != 200:
        sys.exit(f"GET {page.status}: the link must be fresh")
    token = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "")).group(1)
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": token})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={token}",
    }
    token_in_link = parts.path.rsplit("/", 1)[1]
    before = _stored(token_in_link)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(args.count)

    def one() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=args.timeout)
        try:
            connection.connect()
            barrier.wait(timeout=120)
            connection.request("POST", parts.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            key = str(response.status)
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as exc:
            key = type(exc).__name__
        finally:
            connection.close()
        with lock:
            statuses[key] += 1

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=one) for _ in range(args.count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    after = _stored(token_in_link)
    # The sheet waits in the ballot box (sealed) until the mixer counts it: both are stored.
    stored = after["responses"] + after["ballots"] - before["responses"] - before["ballots"]
    histogram = dict(sorted(statuses.items()))
    print(json.dumps({"posts": args.count, "seconds": round(elapsed, 1), "statuses": histogram}))
    print(f"database: sheets stored={stored} link used={after['link_used']}")
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    ok = (
        statuses.get("302", 0) == 1
        and statuses.get("409", 0) == args.count - 1
        and not server_errors
        and stored == 1
    )
    print("exactly one stored, the rest 409, no 5xx" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
