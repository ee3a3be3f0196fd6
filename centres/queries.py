"""Public reads of the organisation, for other apps and public pages."""

from django.db.models import QuerySet

from .models import Centre, Structure


def public_centres() -> QuerySet[Centre]:
    """Every centre, with its structure, in city order."""
    return Centre.objects.select_related("structure").order_by("city")


def structures_with_centres() -> QuerySet[Structure]:
    """Labelled structures with their centres prefetched."""
    return Structure.objects.select_related("network").prefetch_related("centres")
