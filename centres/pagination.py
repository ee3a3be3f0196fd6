"""One page of a list, with the elided page range the DSFR pagination partial shows."""

from django.core.paginator import Page, Paginator

from .params import int_param


def page_of(request, items, per_page: int) -> Page:
    """The page asked for in `?page=` (the last one when out of range), with `pages_list`."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(int_param(request, "page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number))
    return page
