"""Reads for the results page and the survey_results command, all from the rollups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.models import Centre

from .anonymity import suppressed_cells
from .enums import Audience, QuestionKind, ReviewState
from .models import Campaign, Question, Review
from .results import AGENT_HEADLINE, MONTH, OVERALL, k_anonymity, period_rates
from .stats import Rate

# What a public page may show of a published review (and of the action it led to).
PUBLIC_REVIEW_FIELDS = (
    "id",
    "centre_id",
    "state",
    "experience",
    "feeling",
    "channel",
    "is_masked",
    "published_at",
    "reply",
    "replied_at",
    "action",
    "action__title",
    "action__status",
    "action__is_published",
)


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
        by_centre = period_rates(
            start=start,
            end=end,
            keys=("centre_id",),
            campaigns=[campaign],
            centre_id__in=centre_ids,
            **AGENT_HEADLINE,
        )
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
    by_month = period_rates(keys=(MONTH,), question_id__in=overall_ids, **period)
    results.by_month = [
        Row(key=month, label=date_format(month, "YEAR_MONTH_FORMAT"), rate=rate)
        for month, rate in sorted(by_month.items())
    ]
    results.total = next((row for row in results.by_engagement if row.key == OVERALL), None)
    return results


def published_reviews(*, centre: Centre) -> QuerySet[Review]:
    """A centre's published citizen reviews with their public replies, newest first.

    For public pages: pending and rejected reviews never appear, and a masked review only
    ever has its masked text (the original is not kept). Only displayable fields are read."""
    return (
        Review.objects.filter(centre=centre, state=ReviewState.PUBLISHED)
        .select_related("action")
        .only(*PUBLIC_REVIEW_FIELDS)
        .order_by("-published_at", "-id")
    )
