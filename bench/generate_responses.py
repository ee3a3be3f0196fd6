"""Generate N synthetic citizen responses (default 10 M) for a benchmark campaign, in SQL.

Everything runs inside PostgreSQL (generate_series), then the daily rollups are rebuilt from the
raw rows exactly as reconcile_rollups recomputes them, each response's answers in one of the
8 shards (a hash of its id) as a submission picks one at random, and the days of 2025 are
sealed: shards merged, running totals written (what the nightly task does). Usage (PostgreSQL only):

    DATABASE_URL=postgres://... python bench/generate_responses.py --responses 10000000

`--responses 0` only rebuilds the rollups of what is already there; `--no-seal` leaves every
day in the daily rollups (8 shards), as before the first nightly seal.

Creates (or reuses) the campaign "bench-usagers" on the demo structure (run seed_demo first).
Responses are spread evenly (every centre answers every day of 2025) and each answer is drawn
at random: 84 % very satisfied, 14 % rather, 1.5 % rather not, 0.5 % not at all.
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
from django.utils import timezone  # noqa: E402

from centres.models import Structure  # noqa: E402
from surveys.defaults import CITIZEN_CODE  # noqa: E402
from surveys.models import Campaign, Questionnaire  # noqa: E402
from surveys.services.campaigns import campaign_create  # noqa: E402
from surveys.services.rollups import (  # noqa: E402
    ROLLUP_SHARDS,  # noqa: E402
    rollups_seal,
    rollups_unseal,
)

SLUG = "bench-usagers"
CHUNK = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--no-seal", action="store_true")
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
                               %(questionnaire)s,
                               DATE '2025-01-01' + ((g / array_length(ids, 1)) %% 365)
                        FROM centres, generate_series(1, %(size)s) AS g
                        RETURNING id
                    )
                    INSERT INTO surveys_answer (response_id, question_id, value, text)
                    SELECT response_id, question_id,
                           CASE WHEN r < 0.84 THEN 'very' WHEN r < 0.98 THEN 'rather'
                                WHEN r < 0.995 THEN 'rather_not' ELSE 'not_at_all' END, ''
                    FROM (
                        -- random() in the select list: drawn again for every answer
                        SELECT inserted.id AS response_id, q.id AS question_id, random() AS r
                        FROM inserted CROSS JOIN surveys_question q
                        WHERE q.questionnaire_id = %(questionnaire)s
                          AND q.kind = 'satisfaction_4'
                    ) AS drawn
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
            rollups_unseal(campaign_id=campaign.pk)
            cursor.execute("DELETE FROM surveys_dailyrollup WHERE campaign_id = %s", [campaign.pk])
            cursor.execute(
                """
                INSERT INTO surveys_dailyrollup (campaign_id, question_id, centre_id, day, value,
                                                 shard, count)
                SELECT r.campaign_id, a.question_id, r.centre_id, r.day, a.value,
                       hashint8(r.id) & %s, count(*)
                FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
                WHERE r.campaign_id = %s AND a.value <> ''
                GROUP BY 1, 2, 3, 4, 5, 6
                """,
                [ROLLUP_SHARDS - 1, campaign.pk],
            )
        cursor.execute(
            "ANALYZE surveys_response; ANALYZE surveys_answer; ANALYZE surveys_dailyrollup"
        )
        print(f"rollups seconds={time.monotonic() - started:.0f}", flush=True)
        if not args.no_seal:
            rollups_seal(today=timezone.localdate(), campaign_ids=[campaign.pk])
            print(f"sealed seconds={time.monotonic() - started:.0f}", flush=True)
        cursor.execute("VACUUM ANALYZE surveys_dailyrollup")  # one by one: no transaction
        cursor.execute("VACUUM ANALYZE surveys_cumulativerollup")
    print(f"done responses={done} seconds={time.monotonic() - started:.0f}")


if __name__ == "__main__":
    main()
