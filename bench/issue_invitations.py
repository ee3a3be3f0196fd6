"""Time the bulk issue of survey links on PostgreSQL, against a baseline measured in the same run.

    DATABASE_URL=postgres://... python bench/issue_invitations.py --count 1000000 [--rounds 2]

Each round times, in this order:
  baseline  surveys.services.invitations_issue() in-process with the index the table had before
            migration 0007 (a second, pattern-matching index on the hash, which unique=True
            adds on PostgreSQL), created for the run and dropped after it (not timed);
  service   surveys.services.invitations_issue() in-process, batches of 50,000, output discarded;
  command   `manage.py issue_invitations --count N` in a subprocess, stdout to /dev/null
            (what an operator runs: includes Django start-up and writing every URL).
After each timed run its invitations are deleted and the table vacuumed (not timed), so every
run starts from the same table. client_cpu_s is the CPU time of the issuing process (the rest
of the wall time is PostgreSQL's work, or waiting for a core). Uses (or creates, like
generate_responses.py) the campaign "bench-usagers"; run seed_demo first.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.db import connection  # noqa: E402

from centres.models import Structure  # noqa: E402
from surveys.defaults import CITIZEN_CODE  # noqa: E402
from surveys.models import Campaign, Invitation, Questionnaire  # noqa: E402
from surveys.services.campaigns import campaign_create, invitations_issue  # noqa: E402

SLUG = "bench-usagers"
BATCH = 50_000
FORMER_INDEX = "bench_invitation_token_hash_like"


def bench_campaign() -> Campaign:
    structure = Structure.objects.get(code="dgfip-pap")
    return Campaign.objects.filter(slug=SLUG).first() or campaign_create(
        slug=SLUG,
        name="Banc d'essai usagers",
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=structure.centres.all(),
        channel="phone",
        opens_on=date(2025, 1, 1),
        closes_on=date(2099, 12, 31),
    )


def baseline(campaign: Campaign, count: int) -> float:
    """The service, with the table's former second index on the hash."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX {FORMER_INDEX} ON surveys_invitation (token_hash varchar_pattern_ops)"
        )
    try:
        return service(campaign, count)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {FORMER_INDEX}")


def service(campaign: Campaign, count: int) -> float:
    started = time.monotonic()
    for _pair in invitations_issue(campaign=campaign, count=count, batch_size=BATCH):
        pass
    return time.monotonic() - started


def command(campaign: Campaign, count: int) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "issue_invitations", "--campaign", SLUG]
        + ["--count", str(count)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.monotonic() - started


def client_cpu() -> float:
    """CPU seconds of this process and of its finished children (the command)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reset(campaign: Campaign) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_invitation WHERE campaign_id = %s", [campaign.pk])
        cursor.execute("VACUUM ANALYZE surveys_invitation")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", choices=["baseline", "service", "command"], action="append")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (set DATABASE_URL).")
    campaign = bench_campaign()
    reset(campaign)
    others = Invitation.objects.exclude(campaign=campaign).count()
    print(f"count={args.count} other_invitations_in_table={others} load={os.getloadavg()[0]:.2f}")
    variants = {"baseline": baseline, "service": service, "command": command}
    for round_number in range(1, args.rounds + 1):
        for name in args.only or variants:
            cpu = client_cpu()
            seconds = variants[name](campaign, args.count)
            cpu = client_cpu() - cpu
            issued = Invitation.objects.filter(campaign=campaign).count()
            assert issued == args.count, issued
            print(
                f"round={round_number} {name:<8} seconds={seconds:.1f} "
                f"links_per_s={args.count / seconds:,.0f} client_cpu_s={cpu:.1f} "
                f"load={os.getloadavg()[0]:.2f}",
                flush=True,
            )
            reset(campaign)


if __name__ == "__main__":
    main()
