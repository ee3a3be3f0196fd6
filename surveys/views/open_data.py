"""Open data: the published citizen results of each centre, in the Services Publics+ schema.

No sign-in. Only closed citizen campaigns are published (results.published_citizen_campaigns)
and only rates on a sufficient sample (exports.open_data_rows leaves the others out). The rows
of a campaign (one per centre and indicator, a few hundred) are computed from the rollups once
and kept in the cache; the file is streamed from them."""

import logging
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_GET

from centres.public_cache import public_page, site_generation

from ..queries.exports import csv_lines, open_data_rows
from ..queries.open_data import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    REVIEW_HEADER,
    BadCursor,
    result_page,
    review_page,
    review_rows,
    reviews_last_modified,
)
from ..queries.results import min_sample, published_citizen_campaigns

logger = logging.getLogger(__name__)

# Seconds browsers, proxies and the server cache may keep the page and the files.
OPEN_DATA_MAX_AGE = 300


def _cacheable(response):
    patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    return response


def open_data_cache_key(slug: str) -> str:
    """Per campaign, day (the file carries the day it was produced) and site generation."""
    day = timezone.localdate().isoformat()
    return f"open_data:v2:{slug}:{site_generation()}:{day}"


def open_data_table(campaign) -> list[list]:
    """Header and rows of a campaign's open-data file, from the cache when fresh."""
    key = open_data_cache_key(campaign.slug)
    rows = cache.get(key)
    if rows is None:
        centres = list(campaign.centres.select_related("structure").order_by("code"))
        rows = list(
            open_data_rows(
                campaign=campaign, centres=centres, start=campaign.opens_on, end=campaign.closes_on
            )
        )
        cache.set(key, rows, OPEN_DATA_MAX_AGE)
    return rows


@public_page()
@login_not_required
@require_GET
def open_data(request):
    """Describe the dataset and list one file per published citizen campaign."""
    campaigns = list(published_citizen_campaigns().select_related("structure"))
    return _cacheable(
        render(
            request,
            "surveys/open_data/open_data.html",
            {
                "campaigns": campaigns,
                "min_sample": min_sample(),
                "max_page_size": MAX_PAGE_SIZE,
            },
        )
    )


@login_not_required
@require_GET
def open_data_csv(request, slug: str):
    """The open-data CSV of a published citizen campaign, streamed."""
    campaign = (
        published_citizen_campaigns()
        .select_related("structure", "questionnaire")
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        raise Http404
    rows = open_data_table(campaign)
    logger.info("open_data_download campaign=%s rows=%s", campaign.slug, len(rows) - 1)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resultats-{campaign.slug}.csv"'
    return _cacheable(response)


@login_not_required
@require_GET
@condition(last_modified_func=lambda request: reviews_last_modified())
def open_data_reviews_csv(request):
    """Every published citizen review with its public reply, streamed (keyset batches)."""
    response = StreamingHttpResponse(
        csv_lines(review_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="avis-usagers.csv"'
    return _cacheable(response)


# The JSON API: pages of rows in the columns of the CSV files, with a keyset cursor. -----------


def _api_error(message: str) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=400, json_dumps_params={"ensure_ascii": False})


def _page_size(request) -> int:
    raw = request.GET.get("limite", "")
    if not raw:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValueError(raw)
    return int(raw)


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value


def _api_page(request, *, header, rows, next_cursor, last_modified) -> JsonResponse:
    following = None
    if next_cursor:
        query = {"curseur": next_cursor, "limite": request.GET.get("limite", "")}
        following = request.build_absolute_uri(
            f"{request.path}?{urlencode({k: v for k, v in query.items() if v})}"
        )
    body = {
        "colonnes": header,
        "resultats": [dict(zip(header, map(_cell, row), strict=True)) for row in rows],
        "suivant": following,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return _cacheable(response)


def _api_arguments(request) -> tuple[str, int] | JsonResponse:
    try:
        size = _page_size(request)
    except ValueError:
        return _api_error(
            _("The limit must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}
        )
    return request.GET.get("curseur", ""), size


BAD_CURSOR = gettext_lazy(
    "This cursor is not valid: start again from the first page, or follow « suivant »."
)


@public_page(params=["curseur", "limite"])
@login_not_required
@require_GET
def open_data_reviews_api(request):
    """Published citizen reviews, a page at a time, in publication order."""
    arguments = _api_arguments(request)
    if isinstance(arguments, JsonResponse):
        return arguments
    cursor, size = arguments
    try:
        page = review_page(cursor=cursor, size=size)
    except BadCursor:
        return _api_error(str(BAD_CURSOR))
    return _api_page(
        request,
        header=REVIEW_HEADER,
        rows=page.rows,
        next_cursor=page.next_cursor,
        last_modified=page.last_modified,
    )


@public_page(params=["curseur", "limite"])
@login_not_required
@require_GET
def open_data_results_api(request):
    """The results of every published citizen campaign, a page at a time (campaign order)."""
    arguments = _api_arguments(request)
    if isinstance(arguments, JsonResponse):
        return arguments
    cursor, size = arguments
    campaigns = list(
        published_citizen_campaigns().select_related("structure", "questionnaire").order_by("pk")
    )
    try:
        page = result_page(campaigns, open_data_table, cursor=cursor, size=size)
    except BadCursor:
        return _api_error(str(BAD_CURSOR))
    latest = max((c.closes_on for c in campaigns), default=None)
    published = (
        timezone.make_aware(datetime.combine(latest + timedelta(days=1), time.min))
        if latest
        else None
    )
    return _api_page(
        request,
        header=page.header,
        rows=page.rows,
        next_cursor=page.next_cursor,
        last_modified=published,
    )
