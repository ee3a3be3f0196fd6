"""Reads for the results page and the survey_results command, all from the daily rollups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.models import Centre

from .anonymity import suppressed_cells
from .enums import Audience, QuestionKind
from .models import Campaign, DailyRollup, Question
from .results import OVERALL, headline_rollups, k_anonymity, rates_by
from .stats import Rate


@dataclass
class Row:
    """One line of a results table (and one bar of its chart)."""

    key: object
    label: str
    rate: Rate
    detail: str = ""
    hidden: bool = False

    @property
    def bar_percent(self) -> str:
        """The rate as a percentage with a dot, for SVG attributes."""
        value = self.rate.satisfaction_rate
        return "0" if value is None or self.hidden else f"{value * 100:.1f}"

    @property
    def low_percent(self) -> str:
        value = self.rate.wilson_low
        return "0" if value is None else f"{value * 100:.1f}"

    @property
    def high_percent(self) -> str:
        value = self.rate.wilson_high
        return "0" if value is None else f"{value * 100:.1f}"

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
    k: int = 0


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
    if campaign.questionnaire.audience == Audience.AGENT:
        rollups = headline_rollups(campaign_id=campaign.pk, start=start, end=end)
        rollups = rollups.filter(centre_id__in=centre_ids)
        by_centre = rates_by(rollups, "centre_id")
        results.k = k_anonymity()
        hidden = suppressed_cells({key: r.answers for key, r in by_centre.items()}, k=results.k)
        results.by_centre = sorted(
            (
                Row(key=key, label=names[key], rate=rate, hidden=key in hidden)
                for key, rate in by_centre.items()
            ),
            key=lambda row: row.label,
        )
        total = sum(by_centre.values(), Rate())
        results.total = Row(
            key=OVERALL, label=_("All centres"), rate=total, hidden=total.answers < results.k
        )
        return results

    # Two aggregate queries on the rollups alone (no joins): by question x centre, and by
    # month for the overall question; the rest is summed here.
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    scale = {q.pk: q for q in questions if q.kind == QuestionKind.SATISFACTION_4}
    rollups = DailyRollup.objects.filter(
        campaign_id=campaign.pk,
        day__gte=start,
        day__lte=end,
        centre_id__in=centre_ids,
        question_id__in=list(scale),
    )
    cells = rates_by(rollups, "question_id", "centre_id")
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
    results.by_engagement = [
        Row(
            key=OVERALL if n is None else n,
            label=engagement_label(n),
            rate=by_number[n],
            detail=details.get(n, ""),
        )
        for n in numbers
    ]
    results.by_centre = sorted(
        (Row(key=key, label=names[key], rate=rate) for key, rate in by_centre.items()),
        key=lambda row: row.label,
    )
    overall_ids = [pk for pk, q in scale.items() if q.engagement_number is None]
    overall = rollups.filter(question_id__in=overall_ids)
    by_month = rates_by(overall.annotate(month=TruncMonth("day")), "month")
    results.by_month = [
        Row(key=month, label=date_format(month, "YEAR_MONTH_FORMAT"), rate=rate)
        for month, rate in sorted(by_month.items())
    ]
    results.total = next((row for row in results.by_engagement if row.key == OVERALL), None)
    return results
