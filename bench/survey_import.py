"""Benchmark of the outside-survey import (issue 14: 100,000 sheets in under 60 s on PostgreSQL),
beside a plain COPY of the same rows into the same tables.

Run against a throw-away PostgreSQL database (it creates a campaign and 100,000 responses):

    DJANGO_ENV=development DATABASE_URL=postgres://.../bench \
        python bench/survey_import.py 100000

It writes the CSV an institute would send (citizen questionnaire: 5 rated questions and a
comment on one sheet in ten, over the 20 DGFiP centres and 30 days), then times, each in its own
campaign:
- check: `survey_import_check` (read and check every line: what the preview costs);
- import: `survey_import_apply` (responses and answers through COPY, rollups, the log), committed;
- baseline: a bare COPY of the very same response and answer rows, ids from the sequence, in one
  transaction, without reading or checking a file and without rollups.
"""

import io
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from centres.demo import organisation_seed  # noqa: E402
from centres.enums import Role  # noqa: E402
from centres.models import Centre, RoleAssignment, User  # noqa: E402
from surveys.defaults import CITIZEN_CODE, default_questionnaires_seed  # noqa: E402
from surveys.models import Question, Questionnaire, Response  # noqa: E402
from surveys.services.campaigns import campaign_create  # noqa: E402
from surveys.services.imports import (  # noqa: E402
    _sheets_copy,
    survey_import_apply,
    survey_import_check,
)

VALUES = ["very", "very", "very", "rather", "rather", "rather_not", "not_at_all", "dont_know"]


def sheets_csv(count: int, centres: list[str], days: list[str]) -> bytes:
    rng = random.Random(14)
    out = io.StringIO()
    out.write("code_centre;date;e1;e2;e3;e5;overall;comment\n")
    for n in range(count):
        comment = "Conseiller aimable, délai correct" if n % 10 == 0 else ""
        rated = ";".join(rng.choice(VALUES) for _ in range(5))
        out.write(f"{rng.choice(centres)};{rng.choice(days)};{rated};{comment}\n")
    return out.getvalue().encode()


def new_campaign(label: str):
    today = timezone.localdate()
    stamp = timezone.now().strftime("%H%M%S%f")
    return campaign_create(
        slug=f"bench-import-{label}-{stamp}",
        name=f"Bench import {label}",
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=Centre.objects.filter(structure__code="dgfip-pap"),
        channel="phone",
        opens_on=today - timedelta(days=40),
        closes_on=today,
    )


def importer() -> User:
    user, _ = User.objects.get_or_create(
        email="bench-import@example.org", defaults={"full_name": "Bench import"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.DITP_ADMIN)
    return user


def main(count: int) -> None:
    if connection.vendor != "postgresql":
        sys.exit("run it on PostgreSQL (DATABASE_URL=postgres://...)")
    organisation_seed()
    default_questionnaires_seed(Questionnaire, Question)
    dgfip = Centre.objects.filter(structure__code="dgfip-pap")
    centres = list(dgfip.values_list("code", flat=True))
    today = timezone.localdate()
    days = [(today - timedelta(days=d)).strftime("%d/%m/%Y") for d in range(1, 31)]
    content = sheets_csv(count, centres, days)
    print(f"file: {count} sheets, {len(content) / 1e6:.1f} MB")

    campaign = new_campaign("app")
    start = time.perf_counter()
    plan = survey_import_check(campaign=campaign, filename="bench.csv", content=content)
    checked = time.perf_counter() - start
    assert not plan.error_count, plan.errors[:3]
    start = time.perf_counter()
    survey_import_apply(
        campaign=campaign, plan=plan, filename="bench.csv", sha256="0" * 64, by=importer()
    )
    imported = time.perf_counter() - start
    assert Response.objects.filter(campaign=campaign).count() == count

    baseline_campaign = new_campaign("copy")
    start = time.perf_counter()
    with transaction.atomic():
        _sheets_copy(baseline_campaign, plan.sheets)
    copied = time.perf_counter() - start
    answers = sum(len(s.answers) for s in plan.sheets)
    print(
        f"check (read + verify the file) {checked:.1f} s | import (COPY + rollups + log) "
        f"{imported:.1f} s | total {checked + imported:.1f} s | bare COPY of the same "
        f"{count} responses and {answers} answers {copied:.1f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
