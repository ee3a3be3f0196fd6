"""Public pages of the label: the home page and a centre's page (results, label, action
plan, reviews), cached and served without sign-in."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.enums import ActionStatus
from centres.queries import public_centres, published_actions
from surveys.models import REVIEW_ANSWER_DAYS
from surveys.queries.results import (
    ChartBar,
    engagement_rates,
    min_sample,
    published_citizen_campaigns,
    review_answer_rate,
)
from surveys.queries.reviews import published_reviews

from ..enums import EngagementGroup
from ..queries import engagements_in_force, label_statuses

# How long (seconds) browsers, proxies and the server cache may keep a public page's figures.
PUBLIC_MAX_AGE = 300
LATEST_REVIEWS = 5
OVERALL = "overall"


def _public(request, response):
    """Anonymous visitors get a page any cache may keep; signed-in users a private one."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@login_not_required
@require_GET
def home(request):
    """Public home: what the label is, the engagements and the centres with their label."""
    engagements = list(engagements_in_force())
    groups = [
        {"label": label, "engagements": [e for e in engagements if e.group == value]}
        for value, label in EngagementGroup.choices
    ]
    centres = list(public_centres())
    labels = label_statuses({c.structure_id for c in centres}, today=timezone.localdate())
    rows = [{"centre": c, "label": labels.get(c.structure_id)} for c in centres]
    return _public(
        request,
        render(
            request,
            "labelling/public/home.html",
            {"engagement_groups": groups, "centres": rows},
        ),
    )


@dataclass(frozen=True)
class ResultRow(ChartBar):
    """One engagement (or the overall question) of a centre's citizen results."""

    key: int | str
    label: str
    title: str
    rate: object  # surveys.stats.Rate

    @property
    def shown(self) -> bool:
        """A rate is published only on a sufficient sample."""
        return self.rate.n > 0 and not self.rate.insufficient_sample


def _centre_figures(centre) -> dict:
    """A centre's latest published citizen results and its structure's label (cacheable)."""
    campaign = (
        published_citizen_campaigns(structure_id=centre.structure_id, centre_id=centre.pk)
        .only("slug", "name", "opens_on", "closes_on", "rollups_sealed_through")
        .first()
    )
    rows = []
    if campaign is not None:
        rates = engagement_rates(
            structure_id=centre.structure_id,
            start=campaign.opens_on,
            end=campaign.closes_on,
            centre_ids=[centre.pk],
            campaign=campaign,
        )
        titles = {e.number: e.title for e in engagements_in_force()}
        numbers = sorted(k for k in rates if k != OVERALL)
        rows = [
            ResultRow(
                key=n,
                label=_("Engagement %(number)s") % {"number": n},
                title=titles.get(n, ""),
                rate=rates[n],
            )
            for n in numbers
        ]
        if OVERALL in rates:
            rows.append(
                ResultRow(
                    key=OVERALL, label=_("Overall satisfaction"), title="", rate=rates[OVERALL]
                )
            )
    label = label_statuses([centre.structure_id], today=timezone.localdate())
    return {
        "campaign": (
            {
                "slug": campaign.slug,
                "name": campaign.name,
                "opens_on": campaign.opens_on,
                "closes_on": campaign.closes_on,
            }
            if campaign is not None
            else None
        ),
        "rows": rows,
        "overall": next((row for row in rows if row.key == OVERALL), None),
        "min_sample": min_sample(),
        "label": label.get(centre.structure_id),
    }


def centre_figures_cache_key(code: str, language: str | None = None) -> str:
    """Per centre, language (labels are translated) and day (a validity can end overnight)."""
    language = language or get_language()
    return f"public_centre:v1:{code}:{language}:{timezone.localdate().isoformat()}"


@login_not_required
@require_GET
def public_centre(request, code: str):
    """Public page of a centre: results, label, published action plan and citizen reviews."""
    centre = get_object_or_404(public_centres(), code=code)
    key = centre_figures_cache_key(centre.code)
    figures = cache.get(key)
    if figures is None:
        figures = _centre_figures(centre)
        cache.set(key, figures, PUBLIC_MAX_AGE)
    actions = list(published_actions(centre))
    reviews = list(published_reviews(centre=centre)[:LATEST_REVIEWS])
    return _public(
        request,
        render(
            request,
            "labelling/public/public_centre.html",
            {
                "centre": centre,
                **figures,
                "done": [a for a in actions if a.status == ActionStatus.DONE],
                "ongoing": [a for a in actions if a.status != ActionStatus.DONE],
                "reviews": reviews,
                "answer_rate": review_answer_rate(centre_ids=[centre.pk]),
                "answer_days": REVIEW_ANSWER_DAYS,
            },
        ),
    )
