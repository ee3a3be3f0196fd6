"""Public pages (home, a centre's page) and the signed-in dashboard.

The public pages read surveys through surveys' public functions (rollups only, never raw
responses) and stay within a fixed number of queries. A centre's survey figures and label
change rarely: they are kept in the cache for PUBLIC_MAX_AGE seconds; its action plan and
reviews are read on each request (two short indexed queries) so a reply shows at once."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.access import scope_of
from centres.enums import ActionStatus, Role
from centres.queries import centres_by_ids, public_centres, published_actions
from surveys.models import REVIEW_ANSWER_DAYS
from surveys.queries.results import (
    engagement_rates,
    min_sample,
    published_citizen_campaigns,
    review_answer_rate,
)
from surveys.queries.reviews import published_reviews

from .enums import EngagementGroup
from .queries import engagements_in_force, label_statuses

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
            "labelling/home.html",
            {"engagement_groups": groups, "centres": rows},
        ),
    )


@dataclass(frozen=True)
class ResultRow:
    """One engagement (or the overall question) of a centre's citizen results."""

    key: int | str
    label: str
    title: str
    rate: object  # surveys.stats.Rate

    @property
    def shown(self) -> bool:
        """A rate is published only on a sufficient sample."""
        return self.rate.n > 0 and not self.rate.insufficient_sample

    @property
    def bar_percent(self) -> str:
        return f"{self.rate.satisfaction_rate * 100:.1f}" if self.shown else "0"

    @property
    def low_percent(self) -> str:
        return f"{self.rate.wilson_low * 100:.1f}" if self.shown else "0"

    @property
    def high_percent(self) -> str:
        return f"{self.rate.wilson_high * 100:.1f}" if self.shown else "0"


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
            "labelling/public_centre.html",
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


def _dashboard_actions(scope) -> list[dict]:
    """The tasks a signed-in user can start, by role."""
    actions = []
    if scope.has(Role.REFERENT):
        actions.append(
            {
                "title": _("My centre"),
                "description": _("Your centre's details and its quality referents."),
                "url": reverse("centres:list"),
            }
        )
        for centre in centres_by_ids(scope.centre_ids):
            actions.append(
                {
                    "title": _("Action plan"),
                    "description": _("%(centre)s: actions, progress, effectiveness checks.")
                    % {"centre": centre.name},
                    "url": reverse("centres:action_list", args=[centre.code]),
                }
            )
            actions.append(
                {
                    "title": _("Self-assessment"),
                    "description": _("%(centre)s: maturity of each engagement, by cycle.")
                    % {"centre": centre.name},
                    "url": reverse("centres:self_assessment_list", args=[centre.code]),
                }
            )
    if scope.has(Role.CORRESPONDENT, Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Centres"),
                "description": _("The contact centres within your scope."),
                "url": reverse("centres:list"),
            }
        )
    if scope.roles:
        actions.append(
            {
                "title": _("Survey results"),
                "description": _("Citizen satisfaction and agent involvement, with their margins."),
                "url": reverse("surveys:results"),
            }
        )
    if scope.has(Role.REFERENT, Role.CORRESPONDENT, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Citizen reviews"),
                "description": _("Published reviews to answer within 7 days, and their clock."),
                "url": reverse("surveys:review_list"),
            }
        )
    if scope.has(Role.CORRESPONDENT, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Review moderation"),
                "description": _("Reviews waiting to be published, masked or rejected."),
                "url": reverse("surveys:review_moderation"),
            }
        )
    if scope.roles:
        actions.append(
            {
                "title": _("Label applications"),
                "description": _("Audits, scorecards, decisions and certificates."),
                "url": reverse("labelling:application_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN, Role.DECIDER):
        actions.append(
            {
                "title": _("Referential versions"),
                "description": _("Engagements, audit criteria and level rules, by version."),
                "url": reverse("labelling:referential_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN, Role.CORRESPONDENT):
        actions.append(
            {
                "title": _("Survey campaigns"),
                "description": _("Campaigns, their links, figures and phone-platform key."),
                "url": reverse("surveys:campaign_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Questionnaires"),
                "description": _("Survey questions by version; a new version for new campaigns."),
                "url": reverse("surveys:questionnaire_list"),
            }
        )
        actions.append(
            {
                "title": _("Administration"),
                "description": _("People, roles, centres, certification bodies, referential."),
                "url": reverse("admin:index"),
            }
        )
    return actions


@require_GET
def dashboard(request):
    """Landing page after sign-in: what each of the user's roles can do."""
    scope = scope_of(request.user)
    roles = [label for value, label in Role.choices if value in scope.roles]
    return render(
        request,
        "labelling/dashboard.html",
        {"roles": roles, "actions": _dashboard_actions(scope)},
    )
