"""Generate N synthetic citizen responses (default 10 M) for a benchmark campaign, in SQL.

Everything runs inside PostgreSQL (generate_series), then the rollups are rebuilt from the raw
rows exactly as reconcile_rollups recomputes them. Usage (PostgreSQL only):

    DATABASE_URL=postgres://... python bench/generate_responses.py --responses 10000000

Creates (or reuses) the campaign "bench-usagers" on the demo structure (run seed_demo first).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.db import connection, transaction  # noqa: E402

from centres.models import Structure  # noqa: E402
from surveys.defaults import CITIZEN_CODE  # noqa: E402
from surveys.models import Campaign, Questionnaire  # noqa: E402
from surveys.services import campaign_create  # noqa: E402

SLUG = "bench-usagers"
CHUNK = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (set DATABASE_URL).")
    structure = Structure.objects.get(code="dgfip-pap")
    campaign = Campaign.objects.filter(slug=SLUG).first() or campaign_create(
        slug=SLUG,
        name="Banc d'essai usagers",
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=structure.centres.all(),
        channel="phone",
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 12, 31),
    )
    started = time.monotonic()
    done = 0
    with connection.cursor() as cursor:
        while done < args.responses:
            size = min(CHUNK, args.responses - done)
            with transaction.atomic():
                cursor.execute(
                    """
                    WITH centres AS (
                        SELECT array_agg(centre_id ORDER BY centre_id) AS ids
                        FROM surveys_campaign_centres WHERE campaign_id = %(campaign)s
                    ), inserted AS (
                        INSERT INTO surveys_response (campaign_id, centre_id, questionnaire_id, day)
                        SELECT %(campaign)s, ids[1 + (g %% array_length(ids, 1))],
                               %(questionnaire)s, DATE '2025-01-01' + (g %% 365)
                        FROM centres, generate_series(1, %(size)s) AS g
                        RETURNING id
                    )
                    INSERT INTO surveys_answer (response_id, question_id, value, text)
                    SELECT inserted.id, q.id,
                           CASE WHEN r < 0.84 THEN 'very' WHEN r < 0.98 THEN 'rather'
                                WHEN r < 0.995 THEN 'rather_not' ELSE 'not_at_all' END, ''
                    FROM inserted
                    CROSS JOIN surveys_question q
                    CROSS JOIN LATERAL (SELECT random() + q.id * 0 AS r) AS rnd
                    WHERE q.questionnaire_id = %(questionnaire)s AND q.kind = 'satisfaction_4'
                    """,
                    {
                        "campaign": campaign.pk,
                        "questionnaire": campaign.questionnaire_id,
                        "size": size,
                    },
                )
            done += size
            print(f"responses={done} seconds={time.monotonic() - started:.0f}", flush=True)
        with transaction.atomic():
            cursor.execute("DELETE FROM surveys_dailyrollup WHERE campaign_id = %s", [campaign.pk])
            cursor.execute(
                """
                INSERT INTO surveys_dailyrollup (campaign_id, question_id, centre_id, day, value,
                                                 count)
                SELECT r.campaign_id, a.question_id, r.centre_id, r.day, a.value, count(*)
                FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
                WHERE r.campaign_id = %s AND a.value <> ''
                GROUP BY 1, 2, 3, 4, 5
                """,
                [campaign.pk],
            )
        cursor.execute(
            "ANALYZE surveys_response; ANALYZE surveys_answer; ANALYZE surveys_dailyrollup"
        )
    print(f"done responses={done} seconds={time.monotonic() - started:.0f}")


if __name__ == "__main__":
    main()
