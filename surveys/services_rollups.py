"""Sealing the rollups of days that can no longer change: fewer rows for results to read.

A year of daily rollups of a busy campaign is about a million rows (centres x questions x
days x values x 8 shards). Once a day can no longer receive an answer, its shards are merged
into one row per cell (8 times fewer rows), and once a whole month can no longer change, its
days are summed into monthly rollups (a few thousand rows a year). Results read the monthly
rows for the whole sealed months of a period and the daily rows for its other days
(surveys.results.period_counts), so they stay exact and show a new answer at once.

A day is sealed when it is at least two days old: an answer is dated with the day of its
transaction, and one that starts just before midnight may commit just after it. Rows of a
sealed day are never written again; whatever rebuilds them (a benchmark generator, a repair)
calls rollups_unseal() in the same transaction, and reconcile_rollups checks the monthly
rows against the daily ones (the shards are summed either way).
"""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from .models import Campaign, DailyRollup, MonthlyRollup

logger = logging.getLogger(__name__)

MonthKey = tuple[int, int, int, date, str]  # campaign, question, centre, month, value


def last_sealable_day(today: date) -> date:
    """Last day of the latest month whose last day is at least two days before `today`."""
    return (today - timedelta(days=1)).replace(day=1) - timedelta(days=1)


def last_compactable_day(today: date) -> date:
    """The latest day that can no longer receive an answer."""
    return today - timedelta(days=2)


def rollups_seal(*, today: date, campaign_ids: list[int] | None = None) -> int:
    """Merge the shards of every day that can no longer change, and sum every such whole
    month into monthly rollups; return how many campaigns moved forward (idempotent)."""
    days = last_compactable_day(today)
    campaigns = Campaign.objects.exclude(rollups_compacted_through__gte=days)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    moved = 0
    for campaign_id in campaigns.values_list("pk", flat=True):
        moved += _campaign_seal(campaign_id=campaign_id, days=days, months=last_sealable_day(today))
    return moved


@transaction.atomic
def _campaign_seal(*, campaign_id: int, days: date, months: date) -> int:
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    compacted = campaign.rollups_compacted_through
    if compacted is not None and compacted >= days:
        return 0  # sealed meanwhile by a concurrent run
    _shards_merge(campaign_id=campaign_id, after=compacted, through=days)
    campaign.rollups_compacted_through = days
    sealed = campaign.rollups_sealed_through
    if sealed is None or sealed < months:
        _months_sum(campaign_id=campaign_id, after=sealed, through=months)
        campaign.rollups_sealed_through = months
    campaign.save(update_fields=["rollups_compacted_through", "rollups_sealed_through"])
    logger.info(
        "rollups_sealed campaign=%s days_through=%s months_through=%s",
        campaign_id,
        days,
        campaign.rollups_sealed_through,
    )
    return 1


def _shards_merge(*, campaign_id: int, after: date | None, through: date) -> None:
    """Rewrite the daily rows of the given days as one row per cell (shard 0), written day
    after day so that a range of days is read from few pages."""
    rows = DailyRollup.objects.filter(
        campaign_id=campaign_id, day__gt=after or date.min, day__lte=through
    )
    cells = list(
        rows.values_list("day", "question_id", "centre_id", "value")
        .annotate(total=Sum("count"))
        .order_by("day", "question_id", "centre_id", "value")
    )
    rows.delete()
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


def _months_sum(*, campaign_id: int, after: date | None, through: date) -> None:
    """Sum the daily rows of the whole months in (after, through] into monthly rollups."""
    daily = DailyRollup.objects.filter(campaign_id=campaign_id, day__lte=through)
    if after is not None:
        daily = daily.filter(day__gt=after)
    rows = (
        daily.annotate(month=TruncMonth("day"))
        .values("month", "question_id", "centre_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    MonthlyRollup.objects.bulk_create(
        (
            MonthlyRollup(
                campaign_id=campaign_id,
                question_id=row["question_id"],
                centre_id=row["centre_id"],
                month=row["month"],
                value=row["value"],
                count=row["total"],
            )
            for row in rows
            if row["total"]
        ),
        batch_size=5000,
    )


def rollups_unseal(*, campaign_id: int) -> None:
    """Forget a campaign's monthly rollups and seals: call it in the transaction that rewrites
    daily rollups of past days (results then read the daily rows until the next seal)."""
    MonthlyRollup.objects.filter(campaign_id=campaign_id).delete()
    Campaign.objects.filter(pk=campaign_id).update(
        rollups_sealed_through=None, rollups_compacted_through=None
    )


def rollup_months_differences(
    *, campaign_ids: list[int] | None = None
) -> list[tuple[MonthKey, int, int]]:
    """Monthly cells whose stored count differs from the sum of their daily rows, as
    (key, stored, expected); only sealed months are compared."""
    campaigns = Campaign.objects.filter(rollups_sealed_through__isnull=False)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    differences = []
    for campaign_id, sealed in campaigns.values_list("pk", "rollups_sealed_through"):
        expected: dict[MonthKey, int] = {}
        rows = (
            DailyRollup.objects.filter(campaign_id=campaign_id, day__lte=sealed)
            .annotate(month=TruncMonth("day"))
            .values_list("question_id", "centre_id", "month", "value")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for question_id, centre_id, month, value, total in rows:
            if total:
                expected[(campaign_id, question_id, centre_id, month, value)] = total
        stored = {
            (campaign_id, question_id, centre_id, month, value): count
            for question_id, centre_id, month, value, count in MonthlyRollup.objects.filter(
                campaign_id=campaign_id
            ).values_list("question_id", "centre_id", "month", "value", "count")
        }
        for key in sorted(expected.keys() | stored.keys(), key=str):
            if stored.get(key, 0) != expected.get(key, 0):
                differences.append((key, stored.get(key, 0), expected.get(key, 0)))
    return differences
