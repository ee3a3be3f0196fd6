"""The database side of the chaos run: prepare the campaign, request certificates, verify.

Run through `bench/chaos/stack.sh` (which sets the chaos environment), or by hand after
`source bench/chaos/env.sh`:

    python bench/chaos/chaos_db.py prepare
    python bench/chaos/chaos_db.py certificates --count 30 --every 6 --out var/chaos/certs.txt
    python bench/chaos/chaos_db.py verify --results var/chaos/results.json \
        --certificates var/chaos/certs.txt
    python bench/chaos/chaos_db.py double --token TOKEN
    python bench/chaos/chaos_db.py mix      # the mixer in a loop (run.py kills it mid-batch)

`certificates` creates copies of the demo's granting decision and asks for their certificate
through `labelling.services.certificate_request` (the production path: row created, rendering
dispatched after commit, left pending for the sweeper when the broker is down): never run it
against real data.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from centres.models import Structure  # noqa: E402
from labelling.enums import CertificateStatus  # noqa: E402
from labelling.models import Certificate, Decision  # noqa: E402
from labelling.services import certificate_request  # noqa: E402
from labelling.tasks import requeue_pending_certificates  # noqa: E402
from surveys.defaults import CITIZEN_CODE  # noqa: E402
from surveys.models import Ballot, Campaign, Invitation, Questionnaire, Response  # noqa: E402
from surveys.services.ballot import ballots_mix  # noqa: E402
from surveys.services.campaigns import campaign_create  # noqa: E402
from surveys.tokens import token_hash  # noqa: E402

CAMPAIGN = "chaos-usagers"
DOUBLE_CAMPAIGN = "chaos-double"


def _campaign(slug: str, name: str) -> Campaign:
    existing = Campaign.objects.filter(slug=slug).first()
    if existing:
        return existing
    structure = Structure.objects.get(code="dgfip-pap")
    today = timezone.localdate()
    return campaign_create(
        slug=slug,
        name=name,
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=structure.centres.all(),
        channel="phone",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=365),
    )


def prepare(args) -> None:
    """Open the two citizen campaigns of the chaos run (idempotent)."""
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (set DATABASE_URL).")
    for slug, name in ((CAMPAIGN, "Chaos usagers"), (DOUBLE_CAMPAIGN, "Chaos double envoi")):
        campaign = _campaign(slug, name)
        print(f"campaign={campaign.slug} id={campaign.pk} closes_on={campaign.closes_on}")


def certificates(args) -> None:
    """Ask for `count` certificates, `batch` every `every` seconds; one line per request."""
    template = Decision.objects.filter(certificate__isnull=False).order_by("pk").first()
    if template is None:
        sys.exit("no decision with a certificate: run `manage.py seed_demo` first")
    out = Path(args.out)
    with out.open("a") as stream:
        started = time.monotonic()
        for index in range(args.count):
            if index % args.batch == 0:
                started = time.monotonic()
            decision = certificate = None
            try:
                with transaction.atomic():
                    decision = Decision.objects.get(pk=template.pk)
                    decision.pk = None
                    decision.save()
                    certificate = certificate_request(decision=decision)
                outcome = "ok"
            except Exception as exc:  # noqa: BLE001 - the run records it and goes on
                outcome = f"error:{type(exc).__name__}"
                # After commit (the dispatch failed) the row exists; inside, it was rolled back.
                if decision is not None and decision.pk:
                    certificate = Certificate.objects.filter(decision_id=decision.pk).first()
            pk = certificate.pk if certificate else "-"
            line = f"{pk} {timezone.now().isoformat()} {outcome}"
            stream.write(line + "\n")
            stream.flush()
            print(f"certificate_requested index={index} id={line}", flush=True)
            if (index + 1) % args.batch == 0:
                time.sleep(max(0.0, args.every - (time.monotonic() - started)))


def _requested_certificates(path: str) -> tuple[list[int], int]:
    ids, errors = [], 0
    for line in Path(path).read_text().splitlines():
        pk, _at, outcome = line.split(" ", 2)
        if pk != "-":
            ids.append(int(pk))
        if outcome != "ok":
            errors += 1
    return ids, errors


def _certificate_report(ids: list[int]) -> dict:
    rows = Certificate.objects.filter(pk__in=ids)
    by_status = {status: 0 for status in CertificateStatus.values}
    bad_files = []
    for certificate in rows:
        by_status[certificate.status] += 1
        if certificate.status != CertificateStatus.READY:
            continue
        try:
            digest = hashlib.sha256(certificate.file.read()).hexdigest()
            certificate.file.close()
        except OSError:
            digest = "missing"
        if not certificate.sha256 or digest != certificate.sha256:
            bad_files.append(certificate.pk)
    return {"requested": len(ids), "rows": rows.count(), **by_status, "bad_files": bad_files}


def verify(args) -> None:
    """Compare the client's acknowledged links with the database; check the certificates."""
    results = json.loads(Path(args.results).read_text())
    campaign = Campaign.objects.get(slug=CAMPAIGN)
    links = results["links"]
    hashes = {token_hash(token): state for token, state in links.items()}
    used = dict(
        Invitation.objects.filter(token_hash__in=list(hashes)).values_list("token_hash", "used")
    )
    acknowledged = [h for h, state in hashes.items() if state.startswith("ack")]
    lost = [h for h in acknowledged if not used.get(h)]
    stored_unacknowledged = [
        h for h, state in hashes.items() if not state.startswith("ack") and used.get(h)
    ]
    mixed_after_run = ballots_mix(campaign_ids=[campaign.pk]).mixed  # beat's next run
    now = _counts(campaign)
    before = results["baseline"]
    # A sheet is counted (a response) or still sealed in the box: both are stored.
    new_sheets = now["responses"] + now["ballots"] - before["responses"] - before["ballots"]
    newly_used = now["used_invitations"] - before["used_invitations"]
    report = {
        "links_tried": len(links),
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "stored_but_not_acknowledged": len(stored_unacknowledged),
        "new_sheets": new_sheets,
        "new_responses": now["responses"] - before["responses"],
        "waiting_in_the_box": now["ballots"],
        "mixed_after_the_run": mixed_after_run,
        "newly_used_invitations": newly_used,
        # Every sheet uses one invitation: more sheets than used links is a duplicate.
        "duplicated": max(0, now["responses"] + now["ballots"] - now["used_invitations"]),
        "responses_minus_stored_links": new_sheets - len(acknowledged) - len(stored_unacknowledged),
        "smallest_batch": _smallest_batch(campaign),
        "links_still_pending_mix": Invitation.objects.filter(
            campaign=campaign, mix_pending=True
        ).count(),
    }
    if args.certificates:
        ids, dispatch_errors = _requested_certificates(args.certificates)
        deadline = time.monotonic() + args.wait
        report["certificates_before_sweep"] = _wait_certificates(ids, deadline)
        report["certificate_request_errors"] = dispatch_errors
        report["pending_before_sweep"] = list(
            Certificate.objects.filter(pk__in=ids, status=CertificateStatus.PENDING).values_list(
                "pk", flat=True
            )
        )
        if report["certificates_before_sweep"]["pending"]:
            # What Celery beat does every 5 minutes for certificates pending for 5 minutes.
            report["swept"] = requeue_pending_certificates(older_than_minutes=0)
            report["certificates"] = _wait_certificates(ids, time.monotonic() + args.wait)
        else:
            report["swept"] = 0
            report["certificates"] = report["certificates_before_sweep"]
    print(json.dumps(report, indent=2))
    certificates_ok = not args.certificates or (
        report["certificates"]["ready"] == report["certificates"]["requested"]
        and not report["certificates"]["bad_files"]
    )
    mismatch = report["responses_minus_stored_links"]
    small = report["smallest_batch"] is not None and report["smallest_batch"] < 5
    if lost or report["duplicated"] or mismatch or small or not certificates_ok:
        sys.exit(1)


def _wait_certificates(ids: list[int], deadline: float, stall_seconds: float = 20) -> dict:
    """Wait until none is pending, the deadline passes, or nothing moved for stall_seconds."""
    last, last_change = None, time.monotonic()
    while True:
        report = _certificate_report(ids)
        now = time.monotonic()
        if report["pending"] != last:
            last, last_change = report["pending"], now
        if report["pending"] == 0 or now > deadline or now - last_change > stall_seconds:
            return report
        time.sleep(1)


def _counts(campaign: Campaign) -> dict:
    return {
        "responses": Response.objects.filter(campaign=campaign).count(),
        "ballots": Ballot.objects.filter(campaign=campaign).count(),
        "used_invitations": Invitation.objects.filter(campaign=campaign, used=True).count(),
    }


def _smallest_batch(campaign: Campaign) -> int | None:
    """The fewest responses written by one transaction (a mixer batch) for a centre."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(n) FROM (SELECT count(*) AS n FROM surveys_response "
            "WHERE campaign_id = %s GROUP BY xmin::text, centre_id) AS batches",
            [campaign.pk],
        )
        return cursor.fetchone()[0]


def mix(args) -> None:
    """The mixer in a loop, as beat would run it but without waiting a minute; run.py kills
    it with SIGKILL while it writes a batch (application_name tells which backend is its)."""
    with connection.cursor() as cursor:
        cursor.execute("SET application_name = 'chaos-mixer'")
    campaign = Campaign.objects.get(slug=CAMPAIGN)
    while True:
        report = ballots_mix(campaign_ids=[campaign.pk])
        print(f"mixed batches={report.batches} sheets={report.mixed}", flush=True)
        if not report.mixed:
            time.sleep(0.2)


def counts(args) -> None:
    """Responses and used links of the chaos campaign (the baseline before a run)."""
    print(json.dumps(_counts(Campaign.objects.get(slug=CAMPAIGN))))


def double(args) -> None:
    """Responses stored by the double-submission campaign, and whether the link is used."""
    campaign = Campaign.objects.get(slug=DOUBLE_CAMPAIGN)
    invitation = Invitation.objects.get(token_hash=token_hash(args.token))
    print(
        json.dumps(
            {
                "responses": Response.objects.filter(campaign=campaign).count(),
                "ballots": Ballot.objects.filter(campaign=campaign).count(),
                "link_used": invitation.used,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare").set_defaults(handler=prepare)
    sub.add_parser("counts").set_defaults(handler=counts)
    sub.add_parser("mix").set_defaults(handler=mix)
    certs = sub.add_parser("certificates")
    certs.add_argument("--count", type=int, default=30)
    certs.add_argument("--batch", type=int, default=1)
    certs.add_argument("--every", type=float, default=6.0)
    certs.add_argument("--out", required=True)
    certs.set_defaults(handler=certificates)
    check = sub.add_parser("verify")
    check.add_argument("--results", required=True)
    check.add_argument("--certificates")
    check.add_argument("--wait", type=float, default=120.0, help="seconds to wait for renders")
    check.set_defaults(handler=verify)
    one = sub.add_parser("double")
    one.add_argument("--token", required=True)
    one.set_defaults(handler=double)
    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
