"""The one-week clock: reminders at day 3 and 5, a breach at day 7, each once, with a set clock."""

import datetime
import logging

import pytest
from django.core import mail

from centres.enums import Role
from config.celery import app
from surveys.models import Review
from surveys.services.reviews import review_clock_advance, reviews_remind
from surveys.tasks import advance_review_clock, dispatch_review_clock

from ...conftest import requires_broker, wait_for
from .factories import NOW, published

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def at(review, days: float = 0, hours: float = 0) -> datetime.datetime:
    return review.published_at + datetime.timedelta(days=days, hours=hours)


def test_reminders_at_day_3_and_5_then_a_breach_at_day_7_each_once(users):
    review = published(0)
    steps = {}
    for hour in range(0, 10 * 24):
        done = reviews_remind(now=at(review, hours=hour))
        steps.update((hour, step) for step, count in done.items() if count)
    assert steps == {72: "day3", 120: "day5", 168: "breach"}
    review.refresh_from_db()
    assert (review.reminded_day3_at, review.reminded_day5_at, review.breached_at) == (
        at(review, 3),
        at(review, 5),
        at(review, 7),
    )


def test_the_day_3_reminder_goes_to_the_referent_in_french(users):
    review = published(0)
    assert review_clock_advance(review_id=review.pk, now=at(review, 3)) == "day3"
    [message] = mail.outbox
    assert message.to == [users[Role.REFERENT].email]
    assert message.subject.startswith("Un avis d'usager attend votre réponse avant le")
    assert "publié il y a 3 jours" in message.body
    assert f"/enquetes/avis/{review.pk}/repondre/" in message.alternatives[0][0]


def test_the_breach_also_tells_the_network_correspondent(users):
    review = published(0)
    review_clock_advance(review_id=review.pk, now=at(review, 7))
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([users[Role.REFERENT].email, users[Role.CORRESPONDENT].email])
    assert all("sans réponse depuis une semaine" in m.subject for m in mail.outbox)
    assert users["other_referent"].email not in recipients


def test_nothing_before_day_3_nor_once_answered(users):
    review = published(0)
    assert reviews_remind(now=at(review, 3) - HOUR) == {"day3": 0, "day5": 0, "breach": 0}
    answered = published(0, replied_after=2)
    assert review_clock_advance(review_id=answered.pk, now=at(answered, 8)) is None
    assert mail.outbox == []


def test_a_job_down_for_days_sends_only_the_step_now_due(users):
    late = published(0)
    assert review_clock_advance(review_id=late.pk, now=at(late, 6)) == "day5"
    assert review_clock_advance(review_id=late.pk, now=at(late, 6, 1)) is None
    forgotten = published(0)
    assert review_clock_advance(review_id=forgotten.pk, now=at(forgotten, 12)) == "breach"
    assert review_clock_advance(review_id=forgotten.pk, now=at(forgotten, 13)) is None
    assert Review.objects.get(pk=forgotten.pk).reminded_day3_at is None


def test_pending_and_rejected_reviews_have_no_clock(users):
    from .factories import ReviewFactory

    for review in (ReviewFactory(), ReviewFactory(rejected=True)):
        assert review_clock_advance(review_id=review.pk, now=NOW + datetime.timedelta(30)) is None
    assert mail.outbox == []


def test_a_failed_sending_leaves_no_trace_so_that_the_retry_sends(users, monkeypatch):
    review = published(0)

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        review_clock_advance(review_id=review.pk, now=at(review, 3))
    assert Review.objects.get().reminded_day3_at is None
    monkeypatch.undo()
    assert review_clock_advance(review_id=review.pk, now=at(review, 3)) == "day3"


def test_the_hourly_job_queues_the_due_reviews_and_a_rerun_sends_nothing(
    users, django_capture_on_commit_callbacks
):
    due = published(3.5)
    published(1)  # not yet
    published(9, replied_after=1)  # answered
    now = NOW.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_review_clock.apply(args=[now]).get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_review_clock.apply(args=[now]).get() == 0
    advance_review_clock.apply(args=[due.pk, now])
    assert len(mail.outbox) == 1


def test_logs_never_show_an_email_address(users, caplog):
    review = published(0)
    with caplog.at_level(logging.INFO):
        review_clock_advance(review_id=review.pk, now=at(review, 7))
    assert "review_clock step=breach" in caplog.text and "@" not in caplog.text


def test_celery_beat_runs_the_clock_every_hour():
    entry = app.conf.beat_schedule["surveys-review-clock"]
    assert entry["task"] == dispatch_review_clock.name
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24


@requires_broker
def test_a_real_worker_sends_the_reminder_once(celery_worker_process, organisation):
    from centres.models import Centre

    from ...factories import make_user

    make_user(Role.REFERENT, centre=Centre.objects.get(code="lille"))
    review = published(0)
    for _ in range(2):
        advance_review_clock.delay(review.pk, at(review, 3).isoformat())
    wait_for(lambda: Review.objects.filter(pk=review.pk, reminded_day3_at__isnull=False).exists())
    assert Review.objects.get(pk=review.pk).reminded_day5_at is None
