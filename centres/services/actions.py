"""A centre's action plan: create, edit, publish, close and abandon actions, with their
history; reminders of overdue actions."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..enums import (
    ENGAGEMENT_NUMBERS,
    OPEN_ACTION_STATUSES,
    ActionEventKind,
    ActionSource,
    ActionStatus,
    Role,
)
from ..mail import mail_message
from ..models import (
    Action,
    ActionEvent,
    ActionReminder,
    Centre,
    User,
)
from ..notifications import notify_on_commit
from ..public_cache import public_cache_touch
from ..site import site_url
from ._common import _user_id

logger = logging.getLogger(__name__)


# An overdue action is reminded at most once in this many days (and at most once a day).
REMINDER_INTERVAL_DAYS = 7

# Fields of an action that the edit form changes (closing and abandoning have their own services).
EDITABLE_ACTION_FIELDS = (
    "engagement_number",
    "title",
    "description",
    "source_type",
    "source_reference",
    "owner_user",
    "owner_name",
    "due_date",
    "status",
    "progress",
    "indicator",
    "is_published",
)


# --- Action plan -----------------------------------------------------------------------------


def _history_value(action: Action, field: str):
    """A JSON-friendly value of a field for the history (names for people, ISO dates)."""
    if field == "owner_user":
        return str(action.owner_user) if action.owner_user_id else ""
    value = getattr(action, field)
    return value.isoformat() if isinstance(value, date) else value


def _check_action(action: Action) -> None:
    """Rules of every open action, before it is written (the DB constraints back them)."""
    if action.engagement_number not in ENGAGEMENT_NUMBERS:
        raise ValidationError(_("Unknown engagement number."), code="engagement")
    if action.source_type not in ActionSource.values:
        raise ValidationError(_("Unknown source."), code="source_type")
    if not 0 <= action.progress <= 100:
        raise ValidationError(_("Progress is a percentage between 0 and 100."), code="progress")
    if not action.owner_user_id and not action.owner_name.strip():
        raise ValidationError(_("Name the owner of the action (a person or a team)."), code="owner")
    if not action.title.strip() or not action.indicator.strip():
        raise ValidationError(
            _("An action needs a title and the indicator it should move."), code="required"
        )


def _append_event(
    action: Action,
    *,
    kind: str,
    by: User | None,
    now: datetime,
    changes: dict | None = None,
    note: str = "",
) -> ActionEvent:
    public_cache_touch(centre_ids=[action.centre_id])
    return ActionEvent.objects.create(
        action=action, kind=kind, actor=by, at=now, changes=changes or {}, note=note
    )


@transaction.atomic
def action_create(
    *,
    centre: Centre,
    by: User | None,
    engagement_number: int,
    title: str,
    source_type: str,
    due_date: date,
    indicator: str,
    description: str = "",
    source_reference: str = "",
    owner_user: User | None = None,
    owner_name: str = "",
    status: str = ActionStatus.PLANNED,
    progress: int = 0,
    is_published: bool = False,
    now: datetime | None = None,
) -> Action:
    """Add an action to a centre's plan and open its history."""
    now = now or timezone.now()
    if status not in OPEN_ACTION_STATUSES:
        raise ValidationError(_("A new action is planned or in progress."), code="status")
    action = Action(
        centre=centre,
        engagement_number=engagement_number,
        title=title.strip(),
        description=description.strip(),
        source_type=source_type,
        source_reference=source_reference.strip(),
        owner_user=owner_user,
        owner_name=owner_name.strip(),
        due_date=due_date,
        status=status,
        progress=progress,
        indicator=indicator.strip(),
        is_published=is_published,
        created_at=now,
        updated_at=now,
    )
    _check_action(action)
    action.save()
    _append_event(action, kind=ActionEventKind.CREATED, by=by, now=now)
    if is_published:
        _append_event(action, kind=ActionEventKind.PUBLISHED, by=by, now=now)
    logger.info(
        "action_created action_id=%s centre=%s user_id=%s", action.pk, centre.code, _user_id(by)
    )
    return action


def _locked(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("owner_user")
        .get(pk=action.pk)
    )


@transaction.atomic
def action_update(
    *, action: Action, by: User | None, now: datetime | None = None, **changes
) -> Action:
    """Change an open action's fields (or a closed one's publication) and log the differences."""
    now = now or timezone.now()
    unknown = set(changes) - set(EDITABLE_ACTION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    action = _locked(action)
    was_open = action.is_open
    diff = {}
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        old = _history_value(action, field)
        setattr(action, field, value)
        new = _history_value(action, field)
        if old != new:
            diff[field] = [old, new]
    publication = diff.pop("is_published", None)
    if diff and not was_open:
        raise ValidationError(_("A closed action can no longer be changed."), code="closed")
    if "status" in diff and action.status not in OPEN_ACTION_STATUSES:
        raise ValidationError(
            _("Close the action with its effectiveness check, or abandon it, from its page."),
            code="status",
        )
    if not diff and publication is None:
        return action
    if diff:
        _check_action(action)
    action.updated_at = now
    fields = [*diff, *(["is_published"] if publication else []), "updated_at"]
    action.save(update_fields=fields)
    if diff:
        _append_event(action, kind=ActionEventKind.UPDATED, by=by, now=now, changes=diff)
    if publication:
        kind = ActionEventKind.PUBLISHED if action.is_published else ActionEventKind.UNPUBLISHED
        _append_event(action, kind=kind, by=by, now=now)
    logger.info(
        "action_updated action_id=%s user_id=%s fields=%s", action.pk, _user_id(by), len(diff)
    )
    return action


@transaction.atomic
def action_publish(
    *, action: Action, by: User | None, published: bool, now: datetime | None = None
) -> Action:
    """Publish an action on the centre's public plan, or withdraw it."""
    return action_update(action=action, by=by, now=now, is_published=published)


@transaction.atomic
def action_close(
    *,
    action: Action,
    by: User | None,
    effectiveness_check: str,
    checked_on: date | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Action:
    """Close an open action as done; refused without an effectiveness check (text and date)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    action = _locked(action)
    if not action.is_open:
        raise ValidationError(_("This action is already closed."), code="closed")
    effectiveness_check = (effectiveness_check or "").strip()
    if not effectiveness_check or checked_on is None:
        raise ValidationError(
            _(
                "An action is closed as done only with its effectiveness check: describe what "
                "was measured and when."
            ),
            code="effectiveness_check",
        )
    if checked_on > today:
        raise ValidationError(_("The check date cannot be in the future."), code="checked_on")
    diff = {
        "status": [action.status, ActionStatus.DONE.value],
        "progress": [action.progress, 100],
    }
    action.status = ActionStatus.DONE
    action.progress = 100
    action.effectiveness_check = effectiveness_check
    action.effectiveness_checked_on = checked_on
    action.closed_on = today
    action.updated_at = now
    action.save(
        update_fields=[
            "status",
            "progress",
            "effectiveness_check",
            "effectiveness_checked_on",
            "closed_on",
            "updated_at",
        ]
    )
    _append_event(
        action,
        kind=ActionEventKind.CLOSED,
        by=by,
        now=now,
        changes=diff,
        note=effectiveness_check,
    )
    logger.info("action_closed action_id=%s user_id=%s", action.pk, _user_id(by))
    return action


@transaction.atomic
def action_abandon(
    *,
    action: Action,
    by: User | None,
    reason: str,
    today: date | None = None,
    now: datetime | None = None,
) -> Action:
    """Abandon an open action, with the reason written in its history."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    action = _locked(action)
    if not action.is_open:
        raise ValidationError(_("This action is already closed."), code="closed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the action is abandoned."), code="reason")
    diff = {"status": [action.status, ActionStatus.ABANDONED.value]}
    action.status = ActionStatus.ABANDONED
    action.closed_on = today
    action.updated_at = now
    action.save(update_fields=["status", "closed_on", "updated_at"])
    _append_event(action, kind=ActionEventKind.ABANDONED, by=by, now=now, changes=diff, note=reason)
    logger.info("action_abandoned action_id=%s user_id=%s", action.pk, _user_id(by))
    return action


# --- Overdue reminders -----------------------------------------------------------------------


def reminder_recipients(action: Action) -> list[User]:
    """Who is reminded of an overdue action: the centre's referents and the owner's account."""
    people = {
        user.pk: user
        for user in User.objects.filter(
            is_active=True,
            role_assignments__role=Role.REFERENT,
            role_assignments__centre_id=action.centre_id,
        )
    }
    if action.owner_user_id and action.owner_user.is_active:
        people.setdefault(action.owner_user_id, action.owner_user)
    return sorted(people.values(), key=lambda user: user.pk)


def _reminder_message(action: Action, user: User, today: date) -> EmailMultiAlternatives:
    context = {
        "action": action,
        "centre": action.centre,
        "recipient_name": user.get_short_name(),
        "days_late": (today - action.due_date).days,
        "url": site_url()
        + reverse("centres:action_detail", kwargs={"code": action.centre.code, "pk": action.pk}),
    }
    return mail_message(
        template="centres/actions/emails/action_overdue", context=context, to=[user.email]
    )


@transaction.atomic
def action_reminder_send(*, action_id: int, today: date) -> int:
    """E-mail an overdue action's reminder unless one went out lately; return e-mails sent.

    Idempotent: the reminder row (one per action and day) is written in the same transaction
    as the sending, so a retry after a failure sends again and a retry after success does not."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("centre", "owner_user")
        .filter(pk=action_id)
        .first()
    )
    if action is None or not action.is_overdue(today):
        return 0
    since = today - timedelta(days=REMINDER_INTERVAL_DAYS)
    if action.reminders.filter(day__gt=since).exists():
        return 0
    recipients = reminder_recipients(action)
    ActionReminder.objects.create(action=action, day=today, recipients=len(recipients))
    notify_on_commit("action_overdue", action, key=f"{action.pk}:{today.isoformat()}")
    _append_event(action, kind=ActionEventKind.REMINDER_SENT, by=None, now=timezone.now())
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_reminder_message(action, user, today) for user in recipients]
    if messages:
        get_connection().send_messages(messages)
    logger.info(
        "action_reminder_sent action_id=%s centre=%s recipients=%s day=%s",
        action.pk,
        action.centre.code,
        len(recipients),
        today.isoformat(),
    )
    return len(messages)
