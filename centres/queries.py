"""Public reads of the organisation, for other apps and public pages."""

from datetime import date, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from .engagements import engagement_wordings
from .enums import ENGAGEMENT_NUMBERS, OPEN_ACTION_STATUSES, ActionStatus
from .models import Action, ActionEvent, Centre, SelfAssessment, Structure


def public_centres() -> QuerySet[Centre]:
    """Every centre, with its structure, in city order."""
    return Centre.objects.select_related("structure").order_by("city")


def structures_with_centres() -> QuerySet[Structure]:
    """Labelled structures with their centres prefetched."""
    return Structure.objects.select_related("network").prefetch_related("centres")


# --- Self-assessment and action plan ---------------------------------------------------------


def published_actions(centre: Centre) -> QuerySet[Action]:
    """The actions a centre's referent chose to publish (abandoned ones are not shown)."""
    return (
        Action.objects.filter(centre=centre, is_published=True)
        .exclude(status=ActionStatus.ABANDONED)
        .order_by("status", "due_date", "id")
        .only(
            "id",
            "engagement_number",
            "title",
            "description",
            "status",
            "progress",
            "indicator",
            "due_date",
            "closed_on",
        )
    )


def action_plan(
    centre: Centre, *, status: str = "", engagement_number: int | None = None
) -> QuerySet[Action]:
    """A centre's actions, optionally filtered by status and engagement, due date first."""
    actions = Action.objects.filter(centre=centre).select_related("owner_user")
    if status:
        actions = actions.filter(status=status)
    if engagement_number:
        actions = actions.filter(engagement_number=engagement_number)
    return actions.order_by("due_date", "id")


def action_history(action: Action) -> QuerySet[ActionEvent]:
    """An action's history, oldest first, with who did what."""
    return action.events.select_related("actor").order_by("at", "id")


def overdue_action_ids(today: date, *, interval_days: int) -> QuerySet:
    """Ids of open actions past their due date and not reminded in the last `interval_days`."""
    return (
        Action.objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        .exclude(reminders__day__gt=today - timedelta(days=interval_days))
        .order_by("id")
        .values_list("id", flat=True)
    )


def self_assessment_cycles(centre: Centre) -> QuerySet[SelfAssessment]:
    """A centre's self-assessments, latest cycle first."""
    return SelfAssessment.objects.filter(centre=centre).order_by("-cycle")


def self_assessment_rows(assessment: SelfAssessment | None) -> list[dict]:
    """One row per engagement number, with the entry written for it if any."""
    entries = {}
    if assessment is not None:
        entries = {entry.engagement_number: entry for entry in assessment.entries.all()}
    wordings = engagement_wordings()
    return [
        {"number": n, "title": wordings.get(n, ""), "entry": entries.get(n)}
        for n in ENGAGEMENT_NUMBERS
    ]


def change_rows(event: ActionEvent) -> list[dict]:
    """An event's changes as label, old and new values ready to display."""
    rows = []
    for field_name, (old, new) in event.changes.items():
        try:
            field = Action._meta.get_field(field_name)
        except FieldDoesNotExist:
            continue
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "old": _display(field, old),
                "new": _display(field, new),
            }
        )
    return rows


def _display(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateField) and isinstance(value, str):
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return value


def centres_by_ids(ids) -> QuerySet[Centre]:
    """Centres with these ids (for example a referent's scope.centre_ids), in city order."""
    return Centre.objects.filter(id__in=ids).order_by("city")
