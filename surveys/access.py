"""Scoping helpers for survey objects, in the spirit of centres.access (404 outside scope)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from centres.access import managed_centres, require_role, scope_of, visible_centres
from centres.enums import Role

from .enums import ReviewState
from .models import Campaign, ExportJob, Review


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns of the structures where the user sees at least one centre."""
    structure_ids = visible_centres(user).values("structure_id")
    return Campaign.objects.filter(structure_id__in=structure_ids).select_related("questionnaire")


def get_campaign(user, slug: str) -> Campaign:
    """Return a campaign by slug if the user may see it, else 404."""
    return get_object_or_404(visible_campaigns(user), slug=slug)


# --- Citizen reviews ---------------------------------------------------------------------------

# Who moderates reviews before publication: the DITP (every centre) and the network's
# correspondents (their network's centres).
REVIEW_MODERATORS = (Role.DITP_ADMIN, Role.CORRESPONDENT)
# Who follows the published reviews and their replies: the moderators and the centres' referents.
REVIEW_READERS = (Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT)


def moderated_reviews(user) -> QuerySet[Review]:
    """Reviews of the centres the user moderates (403 without a moderator's role)."""
    require_role(user, *REVIEW_MODERATORS)
    return Review.objects.filter(centre__in=visible_centres(user).values("id"))


def get_review_to_moderate(user, pk: int) -> Review:
    """Return a review the user may moderate, else 404 (403 without a moderator's role)."""
    return get_object_or_404(moderated_reviews(user).select_related("centre"), pk=pk)


def followed_reviews(user) -> QuerySet[Review]:
    """Published reviews of the centres in the user's scope (a referent: their own centre)."""
    require_role(user, *REVIEW_READERS)
    return Review.objects.filter(
        centre__in=visible_centres(user).values("id"), state=ReviewState.PUBLISHED
    )


def get_review_to_answer(user, pk: int) -> Review:
    """Return a published review of a centre the user is the referent of (403 no role, 404)."""
    require_role(user, Role.REFERENT)
    reviews = Review.objects.filter(
        centre__in=managed_centres(user).values("id"), state=ReviewState.PUBLISHED
    )
    return get_object_or_404(reviews.select_related("centre", "action"), pk=pk)


def my_export_jobs(user) -> QuerySet[ExportJob]:
    """The exports the user asked for, newest first."""
    return ExportJob.objects.filter(requested_by=user).select_related("campaign")


def get_export_job(user, pk: int) -> ExportJob:
    """Return an export if the user asked for it (or is a DITP administrator), else 404."""
    jobs = ExportJob.objects.select_related("campaign")
    if not scope_of(user).has(Role.DITP_ADMIN):
        jobs = jobs.filter(requested_by=user)
    return get_object_or_404(jobs, pk=pk)
