"""Rollups: the daily counts an answer adds to, their reconciliation, and sealing the days that
can no longer change (a few rows for any period).

A year of daily rollups of a busy campaign is about a million rows (centres x questions x
days x values x 8 shards). Once a day can no longer receive an answer, it is sealed: its
shards are merged into one row per cell, and the running totals of every cell through that
day are written as CumulativeRollup rows. The answers of any sealed range of days are then
the totals of its last day minus those of the day before it starts: results read two days of
running totals plus the daily rows of the days not sealed yet, whatever the length of the
period (surveys.queries.results.period_counts), so they stay exact and show a new answer at once.

A day is sealed when it is at least two days old: an answer is dated with the day its request
started, and one that starts just before midnight may commit just after it. Days after the
campaign's closing day receive no answer: sealing stops there. Rows of a sealed day are never
written again; whatever rebuilds them (a benchmark generator, a repair) calls rollups_unseal()
in the same transaction, and reconcile_rollups checks the running totals against the daily
rows (the shards are summed either way).

The daily counts are written by `rollups_increment`; `rollups_recompute` and
`rollups_differences` recount them from the raw answers (reconcile_rollups)."""

import logging
import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Count, Sum

from ..models import (
    Answer,
    Campaign,
    CumulativeRollup,
    DailyRollup,
)

logger = logging.getLogger(__name__)


ROLLUP_SHARDS = 8


def rollups_increment(
    *,
    campaign_id: int,
    centre_id: int,
    day: date,
    values: list[tuple[int, str]],
    counts: list[int] | None = None,
    shard: int | None = None,
) -> None:
    """Add to the daily counts in one INSERT ... ON CONFLICT DO UPDATE (PostgreSQL, SQLite)."""
    if not values:
        return
    counts = counts or [1] * len(values)
    shard = random.randrange(ROLLUP_SHARDS) if shard is None else shard
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    day_value = connection.ops.adapt_datefield_value(day)
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(values))
    params = []
    # Always the same order of rows: two transactions never lock them in opposite orders.
    for (question_id, value), count in sorted(zip(values, counts, strict=True)):
        params += [campaign_id, question_id, centre_id, day_value, value, shard, count]
    sql = (
        f"INSERT INTO {table} (campaign_id, question_id, centre_id, day, value, shard, count) "
        f"VALUES {rows} ON CONFLICT (campaign_id, question_id, centre_id, day, value, shard) "
        f"DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Rollup reconciliation ------------------------------------------------------------------------

RollupKey = tuple[int, int, int, date, str]


def rollups_recompute(*, campaign_ids: list[int] | None = None) -> dict[RollupKey, int]:
    """Recount answers per (campaign, question, centre, day, value) from the raw responses."""
    answers = Answer.objects.exclude(value="")
    if campaign_ids is not None:
        answers = answers.filter(response__campaign_id__in=campaign_ids)
    rows = (
        answers.values_list(
            "response__campaign_id", "question_id", "response__centre_id", "response__day", "value"
        )
        .annotate(total=Count("id"))
        .order_by()
    )
    return {tuple(row[:5]): row[5] for row in rows.iterator(chunk_size=10_000)}


def rollups_differences(
    *, campaign_ids: list[int] | None = None
) -> list[tuple[RollupKey, int, int]]:
    """(cell, stored count, recomputed count) for every cell where the rollups are wrong."""
    expected = rollups_recompute(campaign_ids=campaign_ids)
    stored_rows = DailyRollup.objects.all()
    if campaign_ids is not None:
        stored_rows = stored_rows.filter(campaign_id__in=campaign_ids)
    stored = {
        tuple(row[:5]): row[5]
        for row in stored_rows.values_list(
            "campaign_id", "question_id", "centre_id", "day", "value"
        )
        .annotate(total=Sum("count"))
        .order_by()
        .iterator(chunk_size=10_000)
    }
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key, 0) != stored.get(key, 0):
            differences.append((key, stored.get(key, 0), expected.get(key, 0)))
    return differences


Cell = tuple[int, int, str]  # question, centre, value
RollupKey = tuple[int, int, int, date, str]  # campaign, question, centre, day, value
ONE_DAY = timedelta(days=1)


def last_sealable_day(today: date) -> date:
    """The latest day that can no longer receive an answer."""
    return today - 2 * ONE_DAY


def rollups_seal(*, today: date, campaign_ids: list[int] | None = None) -> int:
    """Seal every day that can no longer change (merged shards, running totals); return how
    many campaigns moved forward (idempotent)."""
    latest = last_sealable_day(today)
    campaigns = Campaign.objects.exclude(rollups_sealed_through__gte=latest)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    moved = 0
    for campaign_id, closes_on, sealed in campaigns.values_list(
        "pk", "closes_on", "rollups_sealed_through"
    ):
        through = min(latest, closes_on)
        if sealed is None or sealed < through:
            moved += _campaign_seal(campaign_id=campaign_id, through=through)
    return moved


@transaction.atomic
def _campaign_seal(*, campaign_id: int, through: date) -> int:
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    sealed = campaign.rollups_sealed_through
    if sealed is not None and sealed >= through:
        return 0  # sealed meanwhile by a concurrent run
    _shards_merge(campaign_id=campaign_id, after=sealed, through=through)
    CumulativeRollup.objects.bulk_create(
        _running_totals(campaign_id=campaign_id, after=sealed, through=through), batch_size=5000
    )
    campaign.rollups_sealed_through = through
    campaign.save(update_fields=["rollups_sealed_through"])
    logger.info("rollups_sealed campaign=%s through=%s", campaign_id, through)
    return 1


def _daily_cells(*, campaign_id: int, after: date | None, through: date):
    """(day, question, centre, value, count) of the given days, shards summed, by day."""
    return (
        DailyRollup.objects.filter(
            campaign_id=campaign_id, day__gt=after or date.min, day__lte=through
        )
        .values_list("day", "question_id", "centre_id", "value")
        .annotate(total=Sum("count"))
        .order_by("day", "question_id", "centre_id", "value")
    )


def _shards_merge(*, campaign_id: int, after: date | None, through: date) -> None:
    """Rewrite the daily rows of the given days as one row per cell (shard 0), written day
    after day so that a range of days is read from few pages."""
    cells = list(_daily_cells(campaign_id=campaign_id, after=after, through=through))
    DailyRollup.objects.filter(
        campaign_id=campaign_id, day__gt=after or date.min, day__lte=through
    ).delete()
    DailyRollup.objects.bulk_create(
        (
            DailyRollup(
                campaign_id=campaign_id,
                question_id=question_id,
                centre_id=centre_id,
                day=day,
                value=value,
                shard=0,
                count=total,
            )
            for day, question_id, centre_id, value, total in cells
        ),
        batch_size=5000,
    )


def _running_totals(
    *, campaign_id: int, after: date | None, through: date
) -> Iterator[CumulativeRollup]:
    """The running totals of every day in (after, through], from those of `after`."""
    totals = _totals_on(campaign_id=campaign_id, day=after) if after else {}
    for day, counts in _days_walk(
        _daily_cells(campaign_id=campaign_id, after=after, through=through), after, through
    ):
        for cell, count in counts.items():
            totals[cell] = totals.get(cell, 0) + count
        for (question_id, centre_id, value), count in totals.items():
            yield CumulativeRollup(
                campaign_id=campaign_id,
                question_id=question_id,
                centre_id=centre_id,
                day=day,
                value=value,
                count=count,
            )


def _totals_on(*, campaign_id: int, day: date) -> dict[Cell, int]:
    rows = CumulativeRollup.objects.filter(campaign_id=campaign_id, day=day)
    return {
        (question_id, centre_id, value): count
        for question_id, centre_id, value, count in rows.values_list(
            "question_id", "centre_id", "value", "count"
        )
    }


def _days_walk(cells, after: date | None, through: date) -> Iterator[tuple[date, dict[Cell, int]]]:
    """Each day from the day after `after` (or the first day with answers) through `through`,
    with the counts of the cells answered that day (empty on a day without answers)."""
    by_day = groupby(cells.iterator(chunk_size=10_000), key=lambda row: row[0])
    day = after + ONE_DAY if after else None
    for answered_on, rows in by_day:
        day = day or answered_on
        while day < answered_on:
            yield day, {}
            day += ONE_DAY
        yield day, {(q, c, v): n for _day, q, c, v, n in rows if n}
        day += ONE_DAY
    while day is not None and day <= through:
        yield day, {}
        day += ONE_DAY


def rollups_unseal(*, campaign_id: int) -> None:
    """Forget a campaign's running totals and seal: call it in the transaction that rewrites
    daily rollups of past days (results then read the daily rows until the next seal)."""
    CumulativeRollup.objects.filter(campaign_id=campaign_id).delete()
    Campaign.objects.filter(pk=campaign_id).update(rollups_sealed_through=None)


def rollup_totals_differences(
    *, campaign_ids: list[int] | None = None
) -> list[tuple[RollupKey, int, int]]:
    """Running-total cells of sealed days whose stored count differs from the sum of the
    daily rows through that day, as (key, stored, expected); a missing row counts 0."""
    campaigns = Campaign.objects.filter(rollups_sealed_through__isnull=False)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    differences = []
    for campaign_id, sealed in campaigns.values_list("pk", "rollups_sealed_through"):
        stored_rows = (
            CumulativeRollup.objects.filter(campaign_id=campaign_id)
            .values_list("day", "question_id", "centre_id", "value", "count")
            .order_by("day")
            .iterator(chunk_size=10_000)
        )
        stored = {
            day: {(q, c, v): n for _day, q, c, v, n in rows}
            for day, rows in groupby(stored_rows, key=lambda row: row[0])
        }
        expected: dict[Cell, int] = {}
        daily = _daily_cells(campaign_id=campaign_id, after=None, through=sealed)
        for day, counts in _days_walk(daily, None, sealed):
            for cell, count in counts.items():
                expected[cell] = expected.get(cell, 0) + count
            found = stored.pop(day, {})
            if found == expected:
                continue
            for cell in sorted(expected.keys() | found.keys(), key=str):
                if found.get(cell, 0) != expected.get(cell, 0):
                    key = (campaign_id, cell[0], cell[1], day, cell[2])
                    differences.append((key, found.get(cell, 0), expected.get(cell, 0)))
        for day, found in stored.items():  # rows of days with no answer before or after
            for cell, count in found.items():
                differences.append(((campaign_id, cell[0], cell[1], day, cell[2]), count, 0))
    return differences
