"""Scoping helpers for survey objects, in the spirit of centres.access (404 outside scope)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from centres.access import visible_centres

from .models import Campaign


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns of the structures where the user sees at least one centre."""
    structure_ids = visible_centres(user).values("structure_id")
    return Campaign.objects.filter(structure_id__in=structure_ids).select_related("questionnaire")


def get_campaign(user, slug: str) -> Campaign:
    """Return a campaign by slug if the user may see it, else 404."""
    return get_object_or_404(visible_campaigns(user), slug=slug)
