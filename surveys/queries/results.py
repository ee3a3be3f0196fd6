"""Public read functions of the surveys app (labelling calls these, never the models).

Everything here reads the rollups, never the raw responses, so it stays fast at any volume:
the running totals of two sealed days for the sealed part of a period, the daily rollups for
its other days (see period_counts and surveys.services.rollups). Citizen figures come from 4-point
satisfaction questions, grouped by the engagement number they are tagged with ("overall" for
the untagged overall question).

The agent figure is the share of agents who answer "strongly agree" or "rather agree" to the
headline question "I feel part of the continuous-improvement approach" (a 4-point agreement
scale with "don't know", the don't-knows excluded from the base). A yes/no headline question is
also accepted: yes counts as "strongly agree", no as "strongly disagree". Below k respondents
(settings.SURVEY_K_ANONYMITY, 5 by default) the figure is withheld: an empty Rate (n = 0).

The 7-day answer rate of citizen reviews (`review_answer_rate`) is the exception: one
aggregate query on the published reviews themselves (a few per centre and week, indexed).

The results page and the survey_results command read `campaign_results` (tables per engagement,
centre and month, with small agent groups suppressed)."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres import formatting
from centres.models import Centre

from ..anonymity import k_anonymity, suppressed_cells
from ..enums import NOT_AT_ALL, VERY, Audience, QuestionKind, ReviewState
from ..models import REVIEW_ANSWER_DAYS, Campaign, CumulativeRollup, DailyRollup, Question, Review
from ..stats import DEFAULT_MIN_SAMPLE, Rate

OVERALL = "overall"
SCALE_KINDS = (QuestionKind.SATISFACTION_4, QuestionKind.AGREEMENT_4)
# A yes/no headline question is read on the same 4-point counts.
YES_NO_AS_SCALE = {"yes": VERY, "no": NOT_AT_ALL}


def min_sample() -> int:
    """Below this n a rate is flagged "insufficient sample" (configurable)."""
    return getattr(settings, "SURVEY_MIN_SAMPLE", DEFAULT_MIN_SAMPLE)


# What citizen figures count: 4-point satisfaction questions (of citizen campaigns).
CITIZEN_SCALE = {"question__kind": QuestionKind.SATISFACTION_4}
# What the agent figure counts: the headline question (of agent campaigns).
AGENT_HEADLINE = {
    "question__is_headline": True,
    "question__kind__in": [*SCALE_KINDS, QuestionKind.YES_NO],
}
MONTH = "month"
ONE_DAY = timedelta(days=1)
DAILY, TOTALS = 0, 1  # the two parts of period_counts' query
Points = dict[date, list[tuple[int, date | None]]]  # day -> (sign, month) of its totals


def period_counts(
    *,
    start: date,
    end: date,
    campaigns: Iterable[Campaign],
    keys: tuple[str, ...] = (),
    **filters,
) -> dict[Any, dict[str, int]]:
    """Answer counts of the campaigns per key and answer value over a period (both days
    included), in one query.

    `keys` are rollup fields or lookups ("centre_id", "question__engagement_number") or
    "month" (the first day of each month); `filters` are lookups valid on both rollup models.
    The days a campaign has sealed are read from its running totals: those of the period's
    last sealed day minus those of the day before it starts (for each month's part of the
    period, by month); its other days from the daily rollups, so a new answer counts at once.
    Each campaign's seal is known here, so every part of the query is one index range."""
    by_month = MONTH in keys
    names = [key for key in keys if key != MONTH]
    before = start - ONE_DAY
    daily, totals, points = [], [], {}
    for campaign in campaigns:
        sealed = campaign.rollups_sealed_through or before
        last = max(before, min(end, sealed))  # the last day read from the running totals
        daily.append(Q(campaign_id=campaign.pk, day__gt=last, day__lte=end))
        if last > before:
            days = _month_points(start, last) if by_month else {last: [(1, None)]}
            if not by_month:
                days[before] = [(-1, None)]
            points.update({(campaign.pk, day): signs for day, signs in days.items()})
            totals.append(Q(campaign_id=campaign.pk, day__in=list(days)))
    counts: dict = defaultdict(lambda: defaultdict(int))
    if not daily:
        return counts

    def grouped(rollups: QuerySet, where: list[Q], part: int, at) -> QuerySet:
        rollups = rollups.filter(reduce(operator.or_, where), **filters)
        columns = [*names, "campaign_id", "part", "at", "value"]
        rollups = rollups.annotate(part=Value(part), at=at).values(*columns)
        return rollups.annotate(total=Sum("count")).order_by()

    month = Cast(TruncMonth("day"), DateField()) if by_month else Value(None, DateField())
    rows = grouped(DailyRollup.objects, daily, DAILY, month)
    if totals:
        rows = rows.union(grouped(CumulativeRollup.objects, totals, TOTALS, F("day")), all=True)
    for row in rows:
        if row["part"] == DAILY:  # counted once, in their month
            spread = [(1, row["at"])]
        else:
            spread = points[(row["campaign_id"], row["at"])]
        values = [row[name] for name in names]
        for sign, month_of in spread:
            key_values = [*values]
            if by_month:  # in the order asked
                key_values.insert(keys.index(MONTH), month_of)
            key = tuple(key_values) if len(keys) > 1 else key_values[0] if keys else None
            counts[key][YES_NO_AS_SCALE.get(row["value"], row["value"])] += sign * row["total"]
    return _without_zeros(counts)


def _month_points(start: date, last: date) -> Points:
    """The days whose running totals make each month's part of [start, last]: + its last
    day, - the day before its first."""
    points: Points = defaultdict(list)
    first = start
    while first <= last:
        month = first.replace(day=1)
        month_end = (month + timedelta(days=31)).replace(day=1) - ONE_DAY
        points[min(month_end, last)].append((1, month))
        points[first - ONE_DAY].append((-1, month))
        first = month_end + ONE_DAY
    return points


def _without_zeros(counts: dict) -> dict:
    """Drop the values, then the keys, that the differences of totals brought to 0."""
    cleaned: dict = defaultdict(lambda: defaultdict(int))
    for key, values in counts.items():
        kept = {value: count for value, count in values.items() if count}
        if kept:
            cleaned[key].update(kept)
    return cleaned


def period_rates(
    *,
    start: date,
    end: date,
    campaigns: Iterable[Campaign],
    keys: tuple[str, ...] = (),
    **filters,
) -> dict[Any, Rate]:
    """period_counts() turned into Rates (with the configured minimum sample)."""
    counts = period_counts(start=start, end=end, campaigns=campaigns, keys=keys, **filters)
    n = min_sample()
    return {key: Rate.from_values(values, min_n=n) for key, values in counts.items()}


def structure_campaigns(*, structure_id: int, audience: str) -> QuerySet[Campaign]:
    """A structure's campaigns of one audience, with their seals (for period_counts)."""
    return Campaign.objects.filter(
        structure_id=structure_id, questionnaire__audience=audience
    ).only("pk", "rollups_sealed_through")


def engagement_rates(
    *,
    structure_id: int,
    start: date,
    end: date,
    centre_ids: list[int] | None = None,
    campaign: Campaign | None = None,
) -> dict[int | str, Rate]:
    """Citizen satisfaction per engagement number (1..8) and "overall" for a structure: over
    all its citizen campaigns, or over `campaign` (one of them, already loaded) alone."""
    if campaign is not None:
        campaigns: Iterable[Campaign] = [campaign]
    else:
        campaigns = structure_campaigns(structure_id=structure_id, audience=Audience.CITIZEN)
    filters: dict[str, Any] = dict(CITIZEN_SCALE)
    if centre_ids is not None:
        filters["centre_id__in"] = list(centre_ids)
    by_number = period_rates(
        start=start,
        end=end,
        campaigns=campaigns,
        keys=("question__engagement_number",),
        **filters,
    )
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
    """Share of agents who feel part of the continuous-improvement approach: the sum of the
    published structure totals (agent_tables) of the agent campaigns that opened in the period.

    Whole campaigns only, and only those whose total is published: no period, and no
    difference of two periods, isolates fewer than k agents."""
    campaigns = (
        Campaign.objects.filter(
            structure_id=structure_id,
            questionnaire__audience=Audience.AGENT,
            opens_on__gte=start,
            opens_on__lte=end,
        )
        .select_related("questionnaire")
        .order_by("pk")
    )
    totals = [agent_tables(campaign).total for campaign in campaigns]
    return sum((total for total in totals if total is not None), Rate(min_n=min_sample()))


@dataclass(frozen=True)
class AgentTables:
    """The only agent figures that leave the product, over the whole campaign: one per centre
    and one for the campaign (all its centres), with the campaign's one suppression pattern.

    A hidden cell is None: no caller can read it. Every output (page under any filter, CSV,
    XLSX, survey_results, scorecard) takes its figures from here, so they hide the same cells."""

    by_centre: dict[int, Rate | None]
    total: Rate | None
    k: int


def agent_tables(campaign: Campaign) -> AgentTables:
    """A campaign's agent tables, its suppression pattern computed once over them: groups of
    1 to k-1 agents are hidden, then the smallest others until what the total gives back by
    subtraction is a group of k or more (surveys.anonymity)."""
    k = k_anonymity()
    by_centre = period_rates(
        start=campaign.opens_on,
        end=campaign.closes_on,
        keys=("centre_id",),
        campaigns=[campaign],
        **AGENT_HEADLINE,
    )
    hidden = suppressed_cells({key: rate.answers for key, rate in by_centre.items()}, k=k)
    total = sum(by_centre.values(), Rate(min_n=min_sample()))
    return AgentTables(
        by_centre={key: None if key in hidden else rate for key, rate in by_centre.items()},
        total=total if total.answers >= k else None,
        k=k,
    )


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


class ChartBar:
    """The SVG coordinates of a row's bar and interval line (centres.formatting: the bar is
    drawn to the rounded rate, the line to the rounded bounds that contain it). Needs `rate`
    and `shown`."""

    def _interval(self) -> tuple[str, str]:
        if not self.shown:
            return "0", "0"
        rate = self.rate
        return formatting.interval_bars(
            rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
        )

    @property
    def bar_percent(self) -> str:
        return formatting.bar_width(self.rate.satisfaction_rate) if self.shown else "0"

    @property
    def low_percent(self) -> str:
        return self._interval()[0]

    @property
    def high_percent(self) -> str:
        return self._interval()[1]


@dataclass
class Row(ChartBar):
    """One line of a results table (and one bar of its chart)."""

    key: object
    label: str
    rate: Rate
    detail: str = ""
    hidden: bool = False

    @property
    def shown(self) -> bool:
        return not self.hidden and self.rate.n > 0


@dataclass
class CampaignResults:
    campaign: Campaign
    start: date
    end: date
    by_engagement: list[Row] = field(default_factory=list)
    by_centre: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)
    total: Row | None = None
    k: int = 0  # agent campaigns: the k of their tables (0 for citizens)
    hidden_below: int = 0  # groups smaller than this are hidden (both audiences)


def engagement_label(number: int | str | None) -> str:
    if number in (None, OVERALL):
        return _("Overall satisfaction")
    return _("Engagement %(number)s") % {"number": number}


def campaign_results(
    *, campaign: Campaign, centres: list[Centre], start: date, end: date
) -> CampaignResults:
    """Figures of a campaign over a period for the given centres (already scoped)."""
    centre_ids = [c.pk for c in centres]
    names = {c.pk: c.name for c in centres}
    results = CampaignResults(campaign=campaign, start=start, end=end)
    results.hidden_below = k_anonymity()
    if campaign.questionnaire.audience == Audience.AGENT:
        return _agent_results(results, centres=centres)

    # Two aggregate queries on the rollups alone (no joins): by question x centre, and by
    # month for the overall question; the rest is summed here.
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    scale = {q.pk: q for q in questions if q.kind == QuestionKind.SATISFACTION_4}
    period = {"start": start, "end": end, "campaigns": [campaign], "centre_id__in": centre_ids}
    cells = period_rates(keys=("question_id", "centre_id"), question_id__in=list(scale), **period)
    by_number: dict = {}
    by_centre: dict = {}
    for (question_id, centre_id), rate in cells.items():
        number = scale[question_id].engagement_number
        by_number[number] = by_number.get(number, Rate(min_n=rate.min_n)) + rate
        if number is None:
            by_centre[centre_id] = by_centre.get(centre_id, Rate(min_n=rate.min_n)) + rate
    details = {}
    for question in questions:
        details.setdefault(question.engagement_number, question.text_fr)
    numbers = sorted(n for n in by_number if n is not None) + ([None] if None in by_number else [])
    k = results.hidden_below
    results.by_engagement = [
        _row(
            key=OVERALL if n is None else n,
            label=engagement_label(n),
            rate=by_number[n],
            detail=details.get(n, ""),
            hidden=0 < by_number[n].answers < k,
        )
        for n in numbers
    ]
    hidden = suppressed_cells({key: rate.answers for key, rate in by_centre.items()}, k=k)
    results.by_centre = sorted(
        (
            _row(key=key, label=names[key], rate=rate, hidden=key in hidden)
            for key, rate in by_centre.items()
        ),
        key=lambda row: row.label,
    )
    overall_ids = [pk for pk, q in scale.items() if q.engagement_number is None]
    by_month = period_rates(keys=(MONTH,), question_id__in=overall_ids, **period)
    hidden = suppressed_cells({key: rate.answers for key, rate in by_month.items()}, k=k)
    results.by_month = [
        _row(
            key=month,
            label=date_format(month, "YEAR_MONTH_FORMAT"),
            rate=rate,
            hidden=month in hidden,
        )
        for month, rate in sorted(by_month.items())
    ]
    results.total = next((row for row in results.by_engagement if row.key == OVERALL), None)
    return results


def latest_overall_rates(centre_ids: Iterable[int]) -> dict[int, Rate]:
    """Each centre's overall citizen satisfaction in its latest published campaign, for a
    list of results, in two queries: the campaigns, then one sum of their daily rollups.

    A closed campaign's daily rows cover its whole period (sealing merges their shards, it
    does not remove them), so for a page of centres the sum of those rows is the campaign's
    figure without period_counts' running totals, whose query costs more to build than the
    few thousand rows it would save here."""
    latest: dict[int, int] = {}
    campaigns = published_citizen_campaigns().filter(centres__in=list(centre_ids))
    for centre, campaign in campaigns.values_list("centres", "pk"):
        latest.setdefault(centre, campaign)
    if not latest:
        return {}
    rows = (
        DailyRollup.objects.filter(
            campaign_id__in=set(latest.values()),
            centre_id__in=list(latest),
            question__engagement_number__isnull=True,
            **CITIZEN_SCALE,
        )
        .values("campaign_id", "centre_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if latest[row["centre_id"]] == row["campaign_id"]:
            counts[row["centre_id"]][row["value"]] += row["total"]
    n = min_sample()
    return {centre: Rate.from_values(counts.get(centre, {}), min_n=n) for centre in latest}


def _row(*, rate: Rate, hidden: bool, **fields) -> Row:
    """A table line; a hidden one carries no figure at all (an empty Rate)."""
    return Row(rate=Rate(min_n=rate.min_n) if hidden else rate, hidden=hidden, **fields)


def _agent_results(results: CampaignResults, *, centres: list[Centre]) -> CampaignResults:
    """The agent tables seen through a selection of centres: each selected centre's line
    (hidden as in the campaign's pattern, whatever the filter), and the campaign's total only
    when the selection covers every centre with answers (no total of a subset: subtracted
    from the campaign's, it would give back the others). Whole campaign, whatever the period."""
    campaign = results.campaign
    tables = agent_tables(campaign)
    results.k = tables.k
    results.start, results.end = campaign.opens_on, campaign.closes_on
    names = {c.pk: c.name for c in centres}
    empty = Rate(min_n=min_sample())
    results.by_centre = sorted(
        (
            _row(key=key, label=names[key], rate=rate or empty, hidden=rate is None)
            for key, rate in tables.by_centre.items()
            if key in names
        ),
        key=lambda row: row.label,
    )
    if tables.by_centre and set(tables.by_centre) <= set(names):
        total = tables.total
        results.total = _row(
            key=OVERALL, label=_("All centres"), rate=total or empty, hidden=total is None
        )
    return results
