"""Reads of the open data at scale: published reviews and campaign results in the Services
Publics+ open-data schema, page by page with keyset cursors (never an OFFSET, never the whole
table in memory).

Reviews come in publication order, (published_at, id): a review published later always comes
after the ones a reader already has, so following `next` from the last cursor one kept gets
exactly what was published since. Results come campaign by campaign (id order), then in the
order of the campaign's open-data file."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone

from ..enums import ReviewState
from ..models import Campaign, Review
from .exports import OPEN_DATA_HEADER

REVIEW_HEADER = [
    "id_avis",
    "code_structure",
    "nom_structure",
    "code_postal",
    "ville",
    "date_publication",
    "ressenti",
    "canal",
    "texte",
    "reponse",
    "date_reponse",
]
REVIEW_BATCH = 2_000  # rows per query when a whole file is streamed
MAX_PAGE_SIZE = 1_000
DEFAULT_PAGE_SIZE = 100


class BadCursor(ValueError):
    """A cursor this API did not write (a French 400 for the client)."""


def cursor_encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def cursor_decode(cursor: str, kinds: tuple[type, ...]) -> list:
    """The values of a cursor written by cursor_encode, checked against their types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise BadCursor(cursor) from error
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor(cursor)
    if not all(type(v) is kind for v, kind in zip(values, kinds, strict=True)):
        raise BadCursor(cursor)
    return values


def _published_reviews():
    return Review.objects.filter(state=ReviewState.PUBLISHED).select_related("centre")


def _review_row(review: Review) -> list:
    centre = review.centre
    replied = review.replied_at
    return [
        review.pk,
        centre.code,
        centre.name,
        centre.postal_code,
        centre.city,
        timezone.localdate(review.published_at).isoformat(),
        review.feeling,
        review.channel,
        review.experience,
        review.reply,
        timezone.localdate(replied).isoformat() if replied else "",
    ]


def _after(published_at: datetime, pk: int) -> Q:
    return Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)


@dataclass
class ReviewPage:
    rows: list[list]
    next_cursor: str | None
    last_modified: datetime | None


def review_page(*, cursor: str = "", size: int = DEFAULT_PAGE_SIZE) -> ReviewPage:
    """One page of published reviews after `cursor` (the first page without one)."""
    reviews = _published_reviews().order_by("published_at", "pk")
    if cursor:
        stamp, pk = cursor_decode(cursor, (str, int))
        try:
            published_at = datetime.fromisoformat(stamp)
        except ValueError as error:
            raise BadCursor(cursor) from error
        if published_at.tzinfo is None:
            raise BadCursor(cursor)
        reviews = reviews.filter(_after(published_at, pk))
    page = list(reviews[: size + 1])
    more, page = len(page) > size, page[:size]
    last = page[-1] if page else None
    changed = [r.replied_at or r.published_at for r in page]
    return ReviewPage(
        rows=[_review_row(r) for r in page],
        next_cursor=cursor_encode([last.published_at.isoformat(), last.pk]) if more else None,
        last_modified=max(changed, default=None),
    )


def reviews_last_modified() -> datetime | None:
    """When the published reviews last changed (a publication or a reply)."""
    dates = _published_reviews().aggregate(published=Max("published_at"), replied=Max("replied_at"))
    return max((d for d in dates.values() if d is not None), default=None)


def review_rows() -> Iterator[list]:
    """Every published review, header first, read REVIEW_BATCH rows at a time (keyset)."""
    yield REVIEW_HEADER
    after = Q()
    while True:
        batch = list(
            _published_reviews().filter(after).order_by("published_at", "pk")[:REVIEW_BATCH]
        )
        yield from (_review_row(r) for r in batch)
        if len(batch) < REVIEW_BATCH:
            return
        after = _after(batch[-1].published_at, batch[-1].pk)


@dataclass
class ResultPage:
    header: list[str]
    rows: list[list]
    next_cursor: str | None


def result_page(
    campaigns: list[Campaign], table_of, *, cursor: str = "", size: int = DEFAULT_PAGE_SIZE
) -> ResultPage:
    """One page of open-data result rows over the published campaigns (id order), resuming
    at (campaign id, row index); `table_of(campaign)` gives a campaign's rows, header first."""
    campaign_id, index = cursor_decode(cursor, (int, int)) if cursor else (0, 0)
    rows: list[list] = []
    for campaign in (c for c in campaigns if c.pk >= campaign_id):
        start = index if campaign.pk == campaign_id else 0
        table = table_of(campaign)[1:]
        taken = table[start : start + size - len(rows)]
        rows += taken
        if len(rows) == size:
            end = start + len(taken)
            if end < len(table):
                return ResultPage(OPEN_DATA_HEADER, rows, cursor_encode([campaign.pk, end]))
            later = [c for c in campaigns if c.pk > campaign.pk]
            following = cursor_encode([later[0].pk, 0]) if later else None
            return ResultPage(OPEN_DATA_HEADER, rows, following)
    return ResultPage(OPEN_DATA_HEADER, rows, None)
