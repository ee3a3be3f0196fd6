"""Public read functions of the surveys app (labelling calls these, never the models).

Everything here reads the daily rollups, never the raw responses, so it stays fast at any
volume. Citizen figures come from 4-point satisfaction questions, grouped by the engagement
number they are tagged with ("overall" for the untagged overall question).

The agent figure is the share of agents who answer "strongly agree" or "rather agree" to the
headline question "I feel part of the continuous-improvement approach" (a 4-point agreement
scale with "don't know", the don't-knows excluded from the base). A yes/no headline question is
also accepted: yes counts as "strongly agree", no as "strongly disagree". Below k respondents
(settings.SURVEY_K_ANONYMITY, 5 by default) the figure is withheld: an empty Rate (n = 0).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db.models import QuerySet, Sum

from .anonymity import DEFAULT_K
from .enums import NOT_AT_ALL, VERY, Audience, QuestionKind
from .models import DailyRollup
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


def rates_by(rollups: QuerySet[DailyRollup], *keys: str) -> dict:
    """Sum rollup counts per key (a tuple of the given fields, or one field) into Rates."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    rows = rollups.values(*keys, "value").annotate(total=Sum("count")).order_by()
    for row in rows:
        key = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]] if keys else None
        value = YES_NO_AS_SCALE.get(row["value"], row["value"])
        counts[key][value] += row["total"]
    n = min_sample()
    return {key: Rate.from_values(values, min_n=n) for key, values in counts.items()}


def citizen_rollups(
    *, start: date, end: date, structure_id: int | None = None, campaign_id: int | None = None
) -> QuerySet[DailyRollup]:
    """Rollups of citizen 4-point satisfaction questions over a period."""
    rollups = DailyRollup.objects.filter(
        day__gte=start,
        day__lte=end,
        campaign__questionnaire__audience=Audience.CITIZEN,
        question__kind=QuestionKind.SATISFACTION_4,
    )
    if structure_id is not None:
        rollups = rollups.filter(campaign__structure_id=structure_id)
    if campaign_id is not None:
        rollups = rollups.filter(campaign_id=campaign_id)
    return rollups


def headline_rollups(
    *, start: date, end: date, structure_id: int | None = None, campaign_id: int | None = None
) -> QuerySet[DailyRollup]:
    """Rollups of the agent survey's headline question over a period."""
    rollups = DailyRollup.objects.filter(
        day__gte=start,
        day__lte=end,
        campaign__questionnaire__audience=Audience.AGENT,
        question__is_headline=True,
        question__kind__in=[*SCALE_KINDS, QuestionKind.YES_NO],
    )
    if structure_id is not None:
        rollups = rollups.filter(campaign__structure_id=structure_id)
    if campaign_id is not None:
        rollups = rollups.filter(campaign_id=campaign_id)
    return rollups


def engagement_rates(
    *, structure_id: int, start: date, end: date, centre_ids: list[int] | None = None
) -> dict[int | str, Rate]:
    """Citizen satisfaction per engagement number (1..8) and "overall" for a structure."""
    rollups = citizen_rollups(structure_id=structure_id, start=start, end=end)
    if centre_ids is not None:
        rollups = rollups.filter(centre_id__in=centre_ids)
    by_number = rates_by(rollups, "question__engagement_number")
    return {OVERALL if number is None else number: rate for number, rate in by_number.items()}


def agent_involvement_rate(*, structure_id: int, start: date, end: date) -> Rate:
    """Share of agents who feel part of the continuous-improvement approach (k-anonymous)."""
    rollups = headline_rollups(structure_id=structure_id, start=start, end=end)
    rate = rates_by(rollups).get(None, Rate(min_n=min_sample()))
    if rate.answers < k_anonymity():
        return Rate(min_n=rate.min_n)
    return rate
