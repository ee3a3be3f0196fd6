"""The clocks in the embedded mode: `make run` serves with Celery beat running in process."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.management.commands.runserver import Command as RunserverCommand
from django.utils import timezone

from centres.clock import start_embedded_beat
from centres.enums import Role
from centres.management.commands.serve import Command as ServeCommand
from config.celery import app

from ...conftest import wait_for
from ..factories import ActionFactory

ROOT = Path(__file__).resolve().parents[3]


def test_make_run_serves_through_the_command_that_runs_the_clocks():
    run_recipe = ROOT.joinpath("Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py serve" in run_recipe and "runserver" not in run_recipe


def test_every_scheduled_entry_names_a_task_that_exists():
    from celery import current_app

    current_app.loader.import_default_modules()
    missing = [e["task"] for e in app.conf.beat_schedule.values() if e["task"] not in app.tasks]
    assert app.conf.beat_schedule and missing == []


@pytest.mark.django_db(transaction=True)
def test_the_embedded_beat_fires_the_overdue_reminders_by_itself(users, tmp_path):
    ActionFactory(due_date=timezone.localdate() - datetime.timedelta(days=3), title="En retard")
    schedule = app.conf.beat_schedule
    entry = schedule["centres-overdue-action-reminders"]
    app.conf.beat_schedule = {"reminders": {**entry, "schedule": datetime.timedelta(seconds=0.5)}}
    try:
        beat = start_embedded_beat(app, filename=tmp_path / "schedule")
        wait_for(lambda: mail.outbox, timeout=20)
        beat.stop()
    finally:
        app.conf.beat_schedule = schedule
    [message] = mail.outbox
    assert message.to == [users[Role.REFERENT].email]
    assert "En retard" in message.subject


def test_serve_starts_the_clock_in_the_serving_process_only_once(monkeypatch):
    started, served = [], []
    monkeypatch.setattr(
        "centres.management.commands.serve.start_embedded_beat", lambda: started.append(1)
    )
    monkeypatch.setattr(RunserverCommand, "inner_run", lambda self, *a, **o: served.append(o))
    command = ServeCommand()
    command.inner_run(clock=True)
    assert started == [1] and len(served) == 1
    command.inner_run(clock=False)
    assert started == [1] and len(served) == 2
