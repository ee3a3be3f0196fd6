"""Open data: the published citizen results of each centre, in the Services Publics+ schema.

No sign-in. Only closed citizen campaigns are published (results.published_citizen_campaigns)
and only rates on a sufficient sample (exports.open_data_rows leaves the others out). The rows
of a campaign (one per centre and indicator, a few hundred) are computed from the rollups once
and kept in the cache; the file is streamed from them."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from centres.public_cache import public_page, site_generation

from ..queries.exports import csv_lines, open_data_rows
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
