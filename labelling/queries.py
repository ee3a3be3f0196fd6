"""Reads of the label referential."""

from django.db.models import QuerySet

from .enums import ReferentialStatus
from .models import Engagement


def engagements_in_force() -> QuerySet[Engagement]:
    """The engagements of the referential version in force, in order."""
    return Engagement.objects.filter(referential__status=ReferentialStatus.ACTIVE).order_by(
        "number"
    )
