"""One page of a list, with the elided page range the DSFR pagination partial shows."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

from .params import int_param

_TOTAL = "spp_page_total"
# Beyond this page number the offset is not tried (18 digits times the page size would not fit
# the database's OFFSET): the paginator counts, then shows the last page.
_MAX_READ_PAGE = 100_000


def page_of(request, items, per_page: int) -> Page:
    """The page asked for in `?page=` (the last one when out of range), with `pages_list`."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(int_param(request, "page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number))
    return page


def page_of_counted(request, items: QuerySet, per_page: int) -> Page:
    """`page_of` in one query instead of two when the page exists: its rows carry the total
    (COUNT(*) OVER ()), where a paginator counts first, then reads the page. For lists whose
    filter is the costly part (the search): the count would run it a second time."""
    number = int_param(request, "page")
    number = 1 if number is None else number
    paginator = Paginator(items, per_page)
    if 1 <= number <= _MAX_READ_PAGE:
        start = (number - 1) * per_page
        rows = list(items.annotate(**{_TOTAL: Window(Count("pk"))})[start : start + per_page])
        if rows:
            paginator.__dict__["count"] = getattr(rows[0], _TOTAL)  # the cached property
            page = Page(rows, number, paginator)
            page.pages_list = list(paginator.get_elided_page_range(number))
            return page
    return page_of(request, items, per_page)  # out of range or nothing found: count, then read
