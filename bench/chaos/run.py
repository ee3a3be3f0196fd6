"""Chaos run: steady citizen submissions while workers, the Celery worker and Redis are killed.

Needs the stack of `bench/chaos/stack.sh` (setup, links, start) and its environment: run it as

    bench/chaos/stack.sh run --links var/chaos/chaos.txt --duration 240 --concurrency 8

(flushes the Redis dbs, then runs this script under `flock /tmp/bench.lock`).

Each link is opened (GET: CSRF cookie) and answered (POST) as a browser would; a failed attempt
(connection reset, timeout, 5xx) is retried like a citizen pressing "send" again (the same POST,
1 s later, up to --retries times). A link is ACKNOWLEDGED when a POST got the redirect to the
thank-you page, or when a retry got 409 "already answered" (the earlier attempt was stored).
Meanwhile: kill -9 a gunicorn worker every --kill-every s, kill -9 the Celery worker (with its
pool) once and start it again 2 s later, restart Redis once (shutdown nosave, start again
--redis-down-seconds later), and ask for certificates in batches (chaos_db.py certificates).
The mixer runs in a loop beside (chaos_db.py mix) and is killed with SIGKILL --mixer-kills
times from --mixer-kill-at on, each kill aimed at a moment its backend is inside a transaction
(pg_stat_activity), then started again. Then chaos_db.py verify compares the acknowledged
links with the database (a sheet counts whether mixed or still in the box; no mixer batch
below k) and checks the certificates, and reconcile_rollups and verify_decision_log run.
Writes var/chaos/results.json and prints a summary. Standard library.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

from submissions import ANSWERS  # noqa: E402

THANKS_PATH = "/s/merci/"
RETRY_DELAY_SECONDS = 1.0


class Client:
    """One citizen per link: GET the form, POST the answers, retry like a browser."""

    def __init__(self, retries: int, timeout: float):
        self.retries = retries
        self.timeout = timeout
        self.attempts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def _count(self, key: str) -> None:
        with self.lock:
            self.attempts[key] += 1

    def _request(self, url, method, body=None, headers=None):
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        try:
            connection.request(method, parts.path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.read()
            return (
                response.status,
                response.getheader("Set-Cookie", ""),
                response.getheader("Location", ""),
            )
        finally:
            connection.close()

    def submit(self, url: str) -> str:
        token = None
        for _attempt in range(self.retries + 1):
            try:
                status, cookie, _ = self._request(url, "GET")
            except (OSError, http.client.HTTPException) as exc:
                self._count(f"GET {type(exc).__name__}")
                time.sleep(RETRY_DELAY_SECONDS)
                continue
            self._count(f"GET {status}")
            if status == 200:
                match = re.search(r"csrftoken=([^;]+)", cookie)
                token = match.group(1) if match else ""
                break
            if status >= 500:
                time.sleep(RETRY_DELAY_SECONDS)
                continue
            return f"unexpected_get_{status}"
        if token is None:
            return "unacknowledged_get"
        body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": token})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
        }
        for attempt in range(self.retries + 1):
            try:
                status, _, location = self._request(url, "POST", body, headers)
            except (OSError, http.client.HTTPException) as exc:
                self._count(f"POST {type(exc).__name__}")
                time.sleep(RETRY_DELAY_SECONDS)
                continue
            self._count(f"POST {status}")
            if status in (302, 303) and urllib.parse.urlsplit(location).path == THANKS_PATH:
                return "acknowledged" if attempt == 0 else "acknowledged_on_retry"
            if status == 409:
                return "acknowledged_409_on_retry" if attempt else "unexpected_409_first_post"
            if status >= 500:
                time.sleep(RETRY_DELAY_SECONDS)
                continue
            return f"unexpected_post_{status}"
        return "unacknowledged_post"


def stack(command: str, events: list, started: float, **env: str) -> None:
    output = subprocess.run(
        ["bash", str(HERE / "stack.sh"), command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    line = (output.stdout + output.stderr).strip().splitlines()
    events.append((round(time.monotonic() - started, 1), command, line[-1] if line else ""))
    print(f"t={events[-1][0]:>6}s {command}: {events[-1][2]}", flush=True)


class Mixer:
    """The mixer loop as a child process, killed mid-batch on purpose."""

    def __init__(self, log: Path):
        self.log = log
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "chaos_db.py"), "mix"],
            stdout=open(self.log, "a"),
            stderr=subprocess.STDOUT,
        )

    def in_transaction(self) -> bool:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'chaos-mixer' "
            "AND xact_start IS NOT NULL AND state <> 'idle'"
        )
        done = subprocess.run(
            ["psql", os.environ["DATABASE_URL"], "-Atc", query],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() not in ("", "0")

    def kill_mid_batch(self, events: list, started: float, tries: int = 400) -> None:
        """SIGKILL as soon as the mixer is seen inside a transaction (or after `tries`)."""
        inside = False
        for _ in range(tries):
            inside = self.in_transaction()
            if inside:
                break
        self.process.kill()
        self.process.wait()
        elapsed = round(time.monotonic() - started, 1)
        events.append((elapsed, "kill-mixer", f"inside_transaction={inside}"))
        print(f"t={elapsed:>6}s kill-mixer: inside_transaction={inside}", flush=True)
        time.sleep(1)
        self.start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def lines_in(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def chaos(
    args, stop: threading.Event, events: list, started: float, certs: Path, mixer: Mixer
) -> None:
    """Gunicorn worker kills on a fixed period; the Celery kill and the Redis restart each
    happen right after a batch of certificates was requested, so that tasks are in flight;
    the mixer is killed --mixer-kills times, 10 s apart, from --mixer-kill-at on."""
    next_kill = args.kill_every
    worker_killed = redis_restarted = False
    mixer_kills, next_mixer_kill = 0, args.mixer_kill_at
    seen = lines_in(certs)
    while not stop.is_set():
        elapsed = time.monotonic() - started
        if mixer_kills < args.mixer_kills and elapsed >= next_mixer_kill:
            mixer.kill_mid_batch(events, started)
            mixer_kills += 1
            next_mixer_kill += 10
        if elapsed >= next_kill:
            stack("kill-gunicorn-worker", events, started)
            next_kill += args.kill_every
        grown = lines_in(certs) > seen
        seen = lines_in(certs)
        if grown and not worker_killed and elapsed >= args.celery_kill_at:
            time.sleep(0.3)
            stack("kill-worker", events, started)
            time.sleep(2)  # systemd's restart delay
            stack("start-worker", events, started)
            worker_killed = True
        if grown and not redis_restarted and elapsed >= args.redis_restart_at:
            time.sleep(0.2)
            stack(
                "restart-redis",
                events,
                started,
                CHAOS_REDIS_DOWN_SECONDS=str(args.redis_down_seconds),
            )
            redis_restarted = True
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", default=str(ROOT / "var/chaos/chaos.txt"))
    parser.add_argument("--duration", type=float, default=240)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--retries", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--kill-every", type=float, default=30)
    parser.add_argument("--celery-kill-at", type=float, default=75)
    parser.add_argument("--redis-restart-at", type=float, default=135)
    parser.add_argument("--redis-down-seconds", type=float, default=2)
    parser.add_argument("--mixer-kill-at", type=float, default=45)
    parser.add_argument("--mixer-kills", type=int, default=3)
    parser.add_argument("--certificates", type=int, default=30)
    parser.add_argument("--certificate-batch", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "var/chaos/results.json"))
    args = parser.parse_args()
    links = [line.strip() for line in open(args.links) if line.strip()]
    out = Path(args.out)
    certs = out.with_name(f"{out.stem}-certificates.txt")
    certs.unlink(missing_ok=True)
    client = Client(args.retries, args.timeout)
    states: dict[str, str] = {}
    events: list = []
    stop = threading.Event()
    feed = iter(links)
    feed_lock = threading.Lock()
    baseline = json.loads(
        subprocess.run(
            [sys.executable, str(HERE / "chaos_db.py"), "counts"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(f"baseline: {baseline}", flush=True)
    print(f"uptime_before: {os.getloadavg()}", flush=True)
    started = time.monotonic()

    def worker() -> None:
        while not stop.is_set():
            with feed_lock:
                url = next(feed, None)
            if url is None:
                return
            states[url.rsplit("/", 1)[1]] = client.submit(url)

    every = args.duration * 0.85 / max(1, args.certificates // args.certificate_batch)
    requester = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "chaos_db.py"),
            "certificates",
            f"--count={args.certificates}",
            f"--batch={args.certificate_batch}",
            f"--every={every:.1f}",
            f"--out={certs}",
        ],
        stdout=open(out.with_name(f"{out.stem}-certificates.log"), "w"),
        stderr=subprocess.STDOUT,
    )
    mixer = Mixer(out.with_name(f"{out.stem}-mixer.log"))
    mixer.start()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    killer = threading.Thread(target=chaos, args=(args, stop, events, started, certs, mixer))
    killer.start()
    progress = 0
    while time.monotonic() - started < args.duration:
        time.sleep(10)
        done = len(states)
        print(
            f"t={time.monotonic() - started:6.1f}s answered={done} (+{done - progress}/10s) "
            f"load={os.getloadavg()[0]:.1f}",
            flush=True,
        )
        progress = done
    stop.set()
    for thread in threads:
        thread.join()  # in-flight links finish, retries included
    killer.join()
    mixer.stop()
    load_elapsed = time.monotonic() - started
    requester.wait(timeout=300)
    print(f"uptime_after: {os.getloadavg()}", flush=True)
    summary = Counter(states.values())
    result = {
        "seconds": round(load_elapsed, 1),
        "baseline": baseline,
        "links": states,
        "states": dict(summary),
        "attempts": dict(client.attempts),
        "events": events,
        "certificate_requester_exit": requester.returncode,
    }
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "links"}, indent=1), flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    checks = {}
    verify = subprocess.run(
        [
            sys.executable,
            str(HERE / "chaos_db.py"),
            "verify",
            f"--results={out}",
            f"--certificates={certs}",
        ],
        env=env,
        check=False,
    )
    checks["chaos_db.py verify"] = verify.returncode
    for command in ("reconcile_rollups", "verify_decision_log"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), command], env=env, check=False
        )
        checks[command] = done.returncode
    print(f"exit codes: {checks}", flush=True)
    sys.exit(1 if any(checks.values()) else 0)


if __name__ == "__main__":
    main()
