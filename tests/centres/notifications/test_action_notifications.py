"""An overdue action is listed in the referents' notifications; its reminder is the only e-mail."""

import pytest
from django.core import mail

from centres.enums import Role
from centres.models import Notification
from centres.services.actions import action_reminder_send

from ..factories import TODAY, ActionFactory

pytestmark = pytest.mark.django_db


def test_an_overdue_action_is_listed_for_the_centre_referents_only(
    users, django_capture_on_commit_callbacks
):
    action = ActionFactory(overdue=True, title="Rappeler sous 48 heures")
    with django_capture_on_commit_callbacks(execute=True):
        action_reminder_send(action_id=action.pk, today=TODAY)
        action_reminder_send(action_id=action.pk, today=TODAY)
    [notification] = Notification.objects.filter(kind="action_overdue")
    assert notification.recipient == users[Role.REFERENT]
    assert notification.title == (
        "Action en retard : Rappeler sous 48 heures (Centre de contact de Lille)"
    )
    assert len(mail.outbox) == 1
