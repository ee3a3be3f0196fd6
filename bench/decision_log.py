"""Decision log page benchmark: is « Vérifier l'intégrité » fine to run inside a request?

Creates a throw-away test database (the test runner's, `test_<name>`), appends N hash-chained
entries to it (bulk, with the same digest as log_append), then times, in the same run:
- baseline: `manage.py verify_decision_log` (the command the operators already run);
- the page's integrity check (POST /label/journal/verifier/, the same log_verify + the page);
- the log page itself (GET /label/journal/, 50 entries a page) and the public verification
  page with the chain head.

    DJANGO_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \
        python bench/decision_log.py 20000
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def _fill(count: int) -> None:
    from labelling.decision_log import GENESIS_HASH, entry_digest
    from labelling.models import DecisionLogEntry

    start = timezone.now() - timedelta(days=365)
    previous, batch = GENESIS_HASH, []
    for sequence in range(1, count + 1):
        entry = DecisionLogEntry(
            sequence=sequence,
            recorded_at=start + timedelta(minutes=sequence),
            kind="decision" if sequence % 3 else "proposal",
            application_id_ref=sequence % 400 + 1,
            actor_ref=f"user:{sequence % 7 + 1} Décideur {sequence % 7}",
            payload=json.loads(
                json.dumps({"outcome": "argent", "motivation": "Conforme." * 20, "n": sequence})
            ),
            previous_hash=previous,
        )
        entry.entry_hash = entry_digest(entry)
        previous = entry.entry_hash
        batch.append(entry)
        if len(batch) == 5000:
            DecisionLogEntry.objects.bulk_create(batch)
            batch = []
    DecisionLogEntry.objects.bulk_create(batch)


def _times(action, runs: int) -> str:
    timings = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        timings.append((time.perf_counter() - begin) * 1000)
    return (
        f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f}, "
        f"max {max(timings):.0f} ({runs} runs)"
    )


def main(count: int) -> None:
    from centres.enums import Role
    from tests.factories import make_user

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _fill(count)
        admin = make_user(Role.DITP_ADMIN)
        client = Client()
        client.force_login(admin)
        log, verify = reverse("labelling:decision_log"), reverse("labelling:decision_log_verify")
        assert client.post(verify).status_code == 200
        print(f"{count} entries on {connection.vendor}, load {os.getloadavg()[0]:.1f}")
        quiet = open(os.devnull, "w")  # noqa: SIM115
        print(
            "baseline verify_decision_log:",
            _times(lambda: call_command("verify_decision_log", stdout=quiet), 5),
        )
        print("POST « Vérifier l'intégrité »:", _times(lambda: client.post(verify), 5))
        print("GET the log page (first page):", _times(lambda: client.get(log), 20))
        print("GET the log page, page 200:", _times(lambda: client.get(log, {"page": 200}), 20))
        print(
            "GET filtered by kind:",
            _times(lambda: client.get(log, {"kind": "proposal"}), 20),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
