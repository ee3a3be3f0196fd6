"""Overdue reminders: when they go, to whom, and never twice for the same day."""

import datetime
import logging

import pytest
from django.core import mail

from centres.enums import ActionEventKind, Role
from centres.models import ActionReminder
from centres.services.actions import action_reminder_send
from centres.tasks import dispatch_overdue_action_reminders, send_action_reminder
from config.celery import app

from ...conftest import requires_broker, wait_for
from ..factories import TODAY, ActionFactory

pytestmark = pytest.mark.django_db

DUE = TODAY


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


def send(action, offset):
    return action_reminder_send(action_id=action.pk, today=day(offset))


def test_no_reminder_until_the_due_date_has_passed(users):
    action = ActionFactory(due_date=DUE)
    assert send(action, -1) == 0 and send(action, 0) == 0
    assert mail.outbox == [] and not ActionReminder.objects.exists()


def test_the_referent_is_reminded_in_french_the_day_after_the_due_date(users):
    action = ActionFactory(due_date=DUE, title="Rappeler les usagers")
    assert send(action, 1) == 1
    [message] = mail.outbox
    assert message.to == [users[Role.REFERENT].email]
    assert message.subject == "Action en retard : Rappeler les usagers (Centre de contact de Lille)"
    assert "1 jour de retard" in message.body
    assert f"/centres/lille/plan-d-action/{action.pk}/" in message.alternatives[0][0]
    assert action.events.get().kind == ActionEventKind.REMINDER_SENT


def test_a_retry_on_the_same_day_sends_no_second_email(users):
    action = ActionFactory(due_date=DUE)
    assert send(action, 1) == 1
    assert send(action, 1) == 0
    send_action_reminder.apply(args=[action.pk, day(1).isoformat()])
    assert len(mail.outbox) == 1
    assert ActionReminder.objects.filter(action=action).count() == 1


def test_the_next_reminder_comes_a_week_later_while_the_action_stays_open(users):
    action = ActionFactory(due_date=DUE, in_progress=True)
    sent = {offset: send(action, offset) for offset in range(1, 16)}
    assert [offset for offset, count in sent.items() if count] == [1, 8, 15]
    assert "8 jours de retard" in mail.outbox[1].body


def test_closed_actions_are_not_reminded(users):
    done = ActionFactory(due_date=DUE, done=True)
    abandoned = ActionFactory(due_date=DUE, abandoned=True)
    assert send(done, 3) == 0 and send(abandoned, 3) == 0
    assert mail.outbox == []


def test_the_owner_account_is_reminded_too_and_nobody_twice(
    users, django_capture_on_commit_callbacks
):
    owner = users[Role.CORRESPONDENT]
    ActionFactory(due_date=DUE, owner_user=owner)
    referent_owned = ActionFactory(due_date=DUE, owner_user=users[Role.REFERENT])
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_overdue_action_reminders.apply(args=[day(2).isoformat()])
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        [owner.email, users[Role.REFERENT].email, users[Role.REFERENT].email]
    )
    assert ActionReminder.objects.get(action=referent_owned).recipients == 1


def test_the_daily_job_picks_only_the_actions_due_for_a_reminder(
    users, django_capture_on_commit_callbacks
):
    ActionFactory(due_date=day(5))  # not yet due
    ActionFactory(due_date=DUE, done=True)
    overdue = ActionFactory(due_date=DUE)
    reminded = ActionFactory(due_date=day(-10))
    ActionReminder.objects.create(action=reminded, day=day(-2))
    with django_capture_on_commit_callbacks(execute=True):
        result = dispatch_overdue_action_reminders.apply(args=[day(3).isoformat()])
    assert result.get() == 1
    assert list(ActionReminder.objects.filter(day=day(3)).values_list("action", flat=True)) == [
        overdue.pk
    ]


def test_a_failed_sending_leaves_no_trace_so_that_the_retry_sends(users, monkeypatch):
    action = ActionFactory(due_date=DUE)

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        send(action, 1)
    assert not ActionReminder.objects.exists() and not action.events.exists()
    monkeypatch.undo()
    assert send(action, 1) == 1


def test_logs_never_show_an_email_address(users, caplog, django_capture_on_commit_callbacks):
    ActionFactory(due_date=DUE)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        dispatch_overdue_action_reminders.apply(args=[day(1).isoformat()])
    assert "action_reminder_sent" in caplog.text
    assert "@" not in caplog.text


def test_celery_beat_runs_the_reminder_job_every_morning():
    entry = app.conf.beat_schedule["centres-overdue-action-reminders"]
    assert entry["task"] == dispatch_overdue_action_reminders.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}


@requires_broker
def test_a_real_worker_sends_the_reminder_once(celery_worker_process, organisation):
    from ...factories import make_user

    make_user(Role.REFERENT, centre=organisation.centres.get(code="lille"))
    action = ActionFactory(due_date=DUE)
    for _ in range(2):
        send_action_reminder.delay(action.pk, day(1).isoformat())
    wait_for(lambda: ActionReminder.objects.filter(action=action).exists())
    wait_for(lambda: action.events.count() == 1)
    assert ActionReminder.objects.get(action=action).recipients == 1


def test_the_reminder_reads_apostrophes_and_brackets_as_typed_in_text_and_escaped_in_html(users):
    action = ActionFactory(due_date=DUE, title="Rappeler l'usager <avant midi>")
    action.centre.name = "Centre de contact d'Amiens"
    action.centre.save(update_fields=["name"])
    assert send(action, 1) == 1
    [message] = mail.outbox
    assert "d'Amiens" in message.body and "l'usager <avant midi>" in message.body
    assert "&#x27;" not in message.subject + message.body and "&lt;" not in message.body
    html = message.alternatives[0][0]
    assert "&lt;avant midi&gt;" in html and "<avant midi>" not in html
