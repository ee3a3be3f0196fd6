"""Public read functions of the surveys app (labelling calls these, never the models).

Everything here reads the rollups, never the raw responses, so it stays fast at any volume:
the monthly rollups for the whole sealed months of a period, the daily rollups for its other
days (see period_counts and services_rollups). Citizen figures come from 4-point satisfaction
questions, grouped by the engagement number they are tagged with ("overall" for the untagged
overall question).

The agent figure is the share of agents who answer "strongly agree" or "rather agree" to the
headline question "I feel part of the continuous-improvement approach" (a 4-point agreement
scale with "don't know", the don't-knows excluded from the base). A yes/no headline question is
also accepted: yes counts as "strongly agree", no as "strongly disagree". Below k respondents
(settings.SURVEY_K_ANONYMITY, 5 by default) the figure is withheld: an empty Rate (n = 0).

The 7-day answer rate of citizen reviews (`review_answer_rate`) is the exception: one
aggregate query on the published reviews themselves (a few per centre and week, indexed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Greatest, Least, TruncMonth
from django.utils import timezone

from .anonymity import DEFAULT_K
from .enums import NOT_AT_ALL, VERY, Audience, QuestionKind, ReviewState
from .models import REVIEW_ANSWER_DAYS, Campaign, DailyRollup, MonthlyRollup, Review
from .stats import DEFAULT_MIN_SAMPLE, Rate

OVERALL = "overall"
SCALE_KINDS = (QuestionKind.SATISFACTION_4, QuestionKind.AGREEMENT_4)
# A yes/no headline question is read on the same 4-point counts.
YES_NO_AS_SCALE = {"yes": VERY, "no": NOT_AT_ALL}


def min_sample() -> int:
    """Below this n a rate is flagged "insufficient sample" (configurable)."""
    return getattr(settings, "SURVEY_MIN_SAMPLE", DEFAULT_MIN_SAMPLE)


def k_anonymity() -> int:
    """Agent groups smaller than this are never shown (configurable)."""
    return getattr(settings, "SURVEY_K_ANONYMITY", DEFAULT_K)


# What citizen figures count: 4-point satisfaction questions of citizen campaigns.
CITIZEN_SCALE = {
    "campaign__questionnaire__audience": Audience.CITIZEN,
    "question__kind": QuestionKind.SATISFACTION_4,
}
# What the agent figure counts: the headline question of agent campaigns.
AGENT_HEADLINE = {
    "campaign__questionnaire__audience": Audience.AGENT,
    "question__is_headline": True,
    "question__kind__in": [*SCALE_KINDS, QuestionKind.YES_NO],
}
MONTH = "month"
ONE_DAY = timedelta(days=1)


def whole_months(start: date, end: date) -> tuple[date, date]:
    """First and last day of the span of whole calendar months inside [start, end] (the first
    after the last when there is none)."""
    first = start if start.day == 1 else (start.replace(day=28) + 4 * ONE_DAY).replace(day=1)
    last = (end + ONE_DAY).replace(day=1) - ONE_DAY
    return first, last


def period_counts(
    *,
    start: date,
    end: date,
    keys: tuple[str, ...] = (),
    campaign: Campaign | None = None,
    **filters,
) -> dict[Any, dict[str, int]]:
    """Answer counts per key and answer value over a period (both days included), in one query.

    `keys` are rollup fields or lookups ("centre_id", "question__engagement_number") or
    "month" (the first day of each month); `filters` are lookups valid on both rollup models.
    The whole sealed months of the period are read from the monthly rollups and every other
    day from the daily rollups, so a new answer counts at once. The seal of each campaign is
    read in the same statement, or taken from `campaign` (already loaded) when given."""
    first, last = whole_months(start, end)
    if campaign is not None:
        filters["campaign_id"] = campaign.pk
        sealed = campaign.rollups_sealed_through or first - ONE_DAY
        covered = max(first - ONE_DAY, min(last, sealed))  # sealed days read monthly
        through: Any = Value(covered, output_field=DateField())
    else:
        sealed = Coalesce(F("campaign__rollups_sealed_through"), Value(first - ONE_DAY))
        covered = Greatest(Value(first - ONE_DAY), Least(Value(last), sealed))
        through = covered
    names = [key for key in keys if key != MONTH]

    def grouped(rollups: QuerySet, month) -> QuerySet:
        if MONTH in keys:
            rollups = rollups.annotate(period_month=month)
        columns = [*names, *(["period_month"] if MONTH in keys else [])]
        return rollups.values(*columns, "value").annotate(total=Sum("count")).order_by()

    parts = []
    if first <= last and not (campaign is not None and covered < first):
        monthly = MonthlyRollup.objects.filter(month__gte=first, month__lte=through, **filters)
        parts.append(grouped(monthly, F("month")))
    # Each range of days its own part: one index range scan each, (campaign, day) first.
    days = []
    if start < first:
        days.append(Q(day__gte=start, day__lte=min(end, first - ONE_DAY)))
    if campaign is None or covered < end:
        days.append(Q(day__gt=through, day__lte=end))
    for span in days:
        daily = DailyRollup.objects.filter(span, **filters)
        parts.append(grouped(daily, Cast(TruncMonth("day"), DateField())))
    counts: dict = defaultdict(lambda: defaultdict(int))
    if not parts:
        return counts
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    columns = [*names, *(["period_month"] if MONTH in keys else [])]
    for row in rows:
        key_values = [row[column] for column in columns]
        if MONTH in keys:  # in the order asked
            month = key_values.pop()
            key_values.insert(keys.index(MONTH), month)
        key = tuple(key_values) if len(keys) > 1 else key_values[0] if keys else None
        counts[key][YES_NO_AS_SCALE.get(row["value"], row["value"])] += row["total"]
    return counts


def period_rates(
    *,
    start: date,
    end: date,
    keys: tuple[str, ...] = (),
    campaign: Campaign | None = None,
    **filters,
) -> dict[Any, Rate]:
    """period_counts() turned into Rates (with the configured minimum sample)."""
    counts = period_counts(start=start, end=end, keys=keys, campaign=campaign, **filters)
    n = min_sample()
    return {key: Rate.from_values(values, min_n=n) for key, values in counts.items()}


def engagement_rates(
    *,
    structure_id: int,
    start: date,
    end: date,
    centre_ids: list[int] | None = None,
    campaign_id: int | None = None,
) -> dict[int | str, Rate]:
    """Citizen satisfaction per engagement number (1..8) and "overall" for a structure."""
    filters: dict[str, Any] = {"campaign__structure_id": structure_id, **CITIZEN_SCALE}
    if campaign_id is not None:
        filters["campaign_id"] = campaign_id
    if centre_ids is not None:
        filters["centre_id__in"] = list(centre_ids)
    by_number = period_rates(start=start, end=end, keys=("question__engagement_number",), **filters)
    return {OVERALL if number is None else number: rate for number, rate in by_number.items()}


def published_citizen_campaigns(
    *, today: date | None = None, structure_id: int | None = None, centre_id: int | None = None
) -> QuerySet[Campaign]:
    """Citizen campaigns whose results are public: the closed ones (final figures), latest
    first. Figures of a campaign still running are not published."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(
        questionnaire__audience=Audience.CITIZEN, closes_on__lt=today
    ).order_by("-closes_on", "-pk")
    if structure_id is not None:
        campaigns = campaigns.filter(structure_id=structure_id)
    if centre_id is not None:
        campaigns = campaigns.filter(centres=centre_id)
    return campaigns


def agent_involvement_rate(*, structure_id: int, start: date, end: date) -> Rate:
    """Share of agents who feel part of the continuous-improvement approach (k-anonymous)."""
    rates = period_rates(
        start=start, end=end, campaign__structure_id=structure_id, **AGENT_HEADLINE
    )
    rate = rates.get(None, Rate(min_n=min_sample()))
    if rate.answers < k_anonymity():
        return Rate(min_n=rate.min_n)
    return rate


def review_answer_rate(
    *,
    centre_ids: list[int],
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> Rate:
    """Share of the centres' published citizen reviews answered within 7 days of publication.

    What counts (n): reviews published (local date of publication between `start` and `end`,
    both included, when given) whose 7-day window has closed at `now`, plus those already
    answered even though their window is still open. Answered in time: a public reply at most
    7 days (REVIEW_ANSWER_DAYS) after publication. Reviews still inside their week without a
    reply are left out (they can still go either way); pending and rejected reviews never
    count. The Rate carries the answered-in-time reviews as "very satisfied" and the others
    as "not at all satisfied", so `satisfaction_rate` is the share answered in time, with
    its n, Wilson 95 % interval and insufficient-sample flag (SURVEY_MIN_SAMPLE)."""
    now = now or timezone.now()
    window = timedelta(days=REVIEW_ANSWER_DAYS)
    reviews = Review.objects.filter(centre_id__in=list(centre_ids), state=ReviewState.PUBLISHED)
    if start is not None:
        reviews = reviews.filter(published_at__date__gte=start)
    if end is not None:
        reviews = reviews.filter(published_at__date__lte=end)
    counted = Q(replied_at__isnull=False) | Q(published_at__lte=now - window)
    in_time = Q(replied_at__isnull=False, replied_at__lte=F("published_at") + window)
    totals = reviews.filter(counted).aggregate(n=Count("id"), in_time=Count("id", filter=in_time))
    return Rate(
        very_satisfied=totals["in_time"],
        not_at_all_satisfied=totals["n"] - totals["in_time"],
        min_n=min_sample(),
    )
