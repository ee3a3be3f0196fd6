"""Public pages of the label: the home page, the search (« Trouver un service ») and a
centre's page (results, label, action plan, reviews), cached and served without sign-in."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.enums import ActionStatus
from centres.models import Centre, Network, Structure
from centres.pagination import page_of_counted
from centres.public_cache import cached_or_computed, centre_generation, public_page
from centres.queries import public_centres, published_actions
from centres.search import centres_search
from surveys.models import REVIEW_ANSWER_DAYS
from surveys.queries.results import (
    ChartBar,
    engagement_rates,
    latest_overall_rates,
    min_sample,
    published_citizen_campaigns,
    review_answer_rate,
)
from surveys.queries.reviews import published_reviews, published_reviews_count

from ..enums import EngagementGroup, Outcome
from ..forms.public import SearchForm
from ..queries import engagements_in_force, label_statuses
from ..sitemaps import SITEMAPS

# How long (seconds) browsers, proxies and the server cache may keep a public page's figures.
PUBLIC_MAX_AGE = 300
LATEST_REVIEWS = 5
SEARCH_PAGE_SIZE = 20
OVERALL = "overall"


def _public(request, response):
    """Anonymous visitors get a page any cache may keep; signed-in users a private one."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _programme_figures() -> dict:
    """The programme's figures, recomputed at most every PUBLIC_MAX_AGE seconds: at scale
    they read every structure's label (more than a second), and an event anywhere gives the
    home page a new generation; a figure a few minutes old is still the programme's."""
    key = f"programme_figures:v1:{get_language()}:{timezone.localdate().isoformat()}"
    return cached_or_computed(key, _programme_figures_read, PUBLIC_MAX_AGE)


def _programme_figures_read() -> dict:
    """What the home page says of the programme: its size and its labels by level."""
    structure_ids = list(Structure.objects.filter(is_active=True).values_list("pk", flat=True))
    labels = label_statuses(structure_ids, today=timezone.localdate())
    valid = [label for label in labels.values() if label.is_valid]
    levels = [
        {"level": label, "count": sum(1 for item in valid if item.level == value)}
        for value, label in Outcome.choices
        if any(item.level == value for item in valid)
    ]
    return {
        "networks": Network.objects.filter(is_active=True).count(),
        "structures": len(structure_ids),
        "centres": Centre.objects.filter(is_active=True, structure__is_active=True).count(),
        "labelled": len(valid),
        "levels": levels,
        "reviews": published_reviews_count(),
    }


@public_page()
@login_not_required
@require_GET
def home(request):
    """Public home: what the label is, the programme's figures, the engagements, the search."""
    engagements = list(engagements_in_force())
    groups = [
        {"label": label, "engagements": [e for e in engagements if e.group == value]}
        for value, label in EngagementGroup.choices
    ]
    return _public(
        request,
        render(
            request,
            "labelling/public/home.html",
            {
                "engagement_groups": groups,
                "figures": _programme_figures(),
                "form": SearchForm(),
            },
        ),
    )


def _search_rows(centres: list) -> list[dict]:
    """Each result with its structure's label and its latest overall satisfaction."""
    labels = label_statuses({c.structure_id for c in centres}, today=timezone.localdate())
    rates = latest_overall_rates([c.pk for c in centres])
    return [
        {"centre": c, "label": labels.get(c.structure_id), "rate": rates.get(c.pk)} for c in centres
    ]


@public_page(params=["q", "page"])
@login_not_required
@require_GET
def search(request):
    """« Trouver un service »: centres by name, city, postal code, department or network."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None, "rows": [], "query": ""}
        return render(request, "labelling/public/search.html", context, status=400)
    query = form.cleaned_data["q"]
    page = page_of_counted(request, centres_search(query), SEARCH_PAGE_SIZE)
    context = {
        "form": form,
        "query": query,
        "page": page,
        "rows": _search_rows(list(page.object_list)),
        "min_sample": min_sample(),
    }
    return _public(request, render(request, "labelling/public/search.html", context))


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
    """Per centre and its generation (public_cache_touch), language (labels are translated)
    and day (a validity can end overnight)."""
    language = language or get_language()
    day = timezone.localdate().isoformat()
    return f"public_centre:v2:{code}:{centre_generation(code)}:{language}:{day}"


@public_page(centre_kwarg="code")
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


# Disallowed for crawlers: signed-in areas, single-use survey links, forms, the language switch.
ROBOTS_DISALLOW = (
    "/s/",
    "/enquetes/",
    "/api/",
    "/centres/",
    "/label/",
    "/tableau-de-bord/",
    "/connexion/",
    "/deconnexion/",
    "/mot-de-passe/",
    "/langue/",
    "/avis/*/donner-mon-avis/",
    "/avis/*/merci/",
    "/healthz",
)


@public_page()
@login_not_required
@require_GET
def robots_txt(request):
    """robots.txt: the public pages may be indexed, nothing else; where the sitemap is."""
    lines = ["User-agent: *", "Allow: /label/verifier/"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@public_page(params=["p"])
@login_not_required
@require_GET
def sitemap_index(request):
    """The sitemap index: one file per SITEMAP_PAGE_SIZE addresses."""
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


@public_page(params=["p"])
@login_not_required
@require_GET
def sitemap_section(request, section: str):
    """One file of the sitemap (?p= for the next files of a section)."""
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
