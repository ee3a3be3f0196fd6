"""Notifications: each workflow step tells the people whose role and scope concern it, once, in
the product (« Notifications », unread count in the header) and by e-mail.

A workflow calls ONE line, inside its transaction: `notify_on_commit("decision_taken", decision)`.
After commit a Celery task (`centres.tasks.send_notifications`) finds the kind in the registry,
its recipients and its wording, writes one row per person ((recipient, kind, key) is unique, so a
retried task adds nothing) and e-mails the rows not e-mailed yet. Each app declares its kinds in
its own `notifications.py` (`labelling`, `surveys`, here for `centres`), read when Celery loads
the tasks; this module never imports an upper app."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from .enums import Role
from .mail import mail_message
from .models import Notification, User

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE = "centres/notifications/emails/notification"


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of notification: the model it is about, who is told, and what they read."""

    name: str
    model: str  # "app_label.Model"
    recipients: Callable[[object], Iterable[User]]
    message: Callable[[object], Message]
    select_related: tuple[str, ...] = ()
    # False where the workflow already e-mails the step itself (the review clock, the overdue
    # reminders): the notification is then listed in the product only.
    email: bool = True


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def notify_on_commit(kind: str, obj, *, key: str = "") -> None:
    """Tell the concerned people about `obj` once the current transaction commits."""
    from .tasks import send_notifications

    if kind not in KINDS:
        raise KeyError(f"unknown notification kind {kind!r}")
    send_notifications.delay_on_commit(kind, obj.pk, key or str(obj.pk))


# --- Who: active people holding a role within a scope -----------------------------------------


def holders(role: str, **scope) -> QuerySet[User]:
    """Active accounts holding `role`, limited to the scope given (`centre__in=...`, etc.)."""
    condition = Q(role_assignments__role=role)
    for lookup, value in scope.items():
        condition &= Q(**{f"role_assignments__{lookup}": value})
    return User.objects.filter(condition, is_active=True)


def everyone_of(*querysets: QuerySet[User]) -> QuerySet[User]:
    """The union of several groups of people, each person once."""
    ids = set()
    for queryset in querysets:
        ids.update(queryset.values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True)


def ditp_admins() -> QuerySet[User]:
    return holders(Role.DITP_ADMIN)


# --- The task's work --------------------------------------------------------------------------


def deliver(kind_name: str, object_id: int, key: str) -> int:
    """Write the rows of one step and e-mail those not e-mailed yet; return the e-mails sent."""
    kind = KINDS[kind_name]
    model = apps.get_model(kind.model)
    obj = model.objects.select_related(*kind.select_related).filter(pk=object_id).first()
    if obj is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = kind.message(obj)
    rows = [
        Notification(
            recipient=person,
            kind=kind.name,
            key=key,
            title=message.title[:300],
            text=message.text,
            url=message.url,
        )
        for person in kind.recipients(obj)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if not kind.email:
        Notification.objects.filter(kind=kind.name, key=key, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        return 0
    return _email_pending(kind.name, key)


def _email_pending(kind: str, key: str) -> int:
    sent = 0
    pending = Notification.objects.filter(kind=kind, key=key, emailed_at__isnull=True)
    for notification in pending.select_related("recipient"):
        with transaction.atomic():
            claimed = Notification.objects.filter(
                pk=notification.pk, emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if not claimed:
                continue
            _email(notification).send()  # a failure rolls the claim back: the retry sends it
            sent += 1
    logger.info("notifications_sent kind=%s key=%s emails=%s", kind, key, sent)
    return sent


def _email(notification: Notification):
    with translation.override(settings.LANGUAGE_CODE):
        return _email_message(notification)


def _email_message(notification: Notification):
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": settings.SITE_URL + notification.url if notification.url else "",
        "list_link": settings.SITE_URL + "/notifications/",
    }
    return mail_message(template=EMAIL_TEMPLATE, context=context, to=[notification.recipient.email])


# --- What the pages read ----------------------------------------------------------------------


def unread_count(user) -> int:
    """The header's count: read with the user's roles (centres.access.scope_of), no query more."""
    from .access import scope_of

    return scope_of(user).unread_notifications


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all, or those ids); return how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- The kinds of the centres app -------------------------------------------------------------


def _action_overdue_message(action) -> Message:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    return Message(
        title=_("Action overdue: %(title)s (%(centre)s)")
        % {"title": action.title, "centre": action.centre.name},
        text=_("The action « %(title)s » was due on %(date)s and is still open.")
        % {"title": action.title, "date": action.due_date.strftime("%d/%m/%Y")},
        url=reverse("centres:action_detail", args=[action.centre.code, action.pk]),
    )


def _action_overdue_recipients(action):
    people = holders(Role.REFERENT, centre=action.centre_id)
    if action.owner_user_id:
        people = everyone_of(people, User.objects.filter(pk=action.owner_user_id))
    return people


register(
    Kind(
        name="action_overdue",
        model="centres.Action",
        recipients=_action_overdue_recipients,
        message=_action_overdue_message,
        select_related=("centre",),
        email=False,  # the overdue reminder is the e-mail (centres.services.actions)
    )
)
