"""Notifications of the reviews: published on your centre (listed and e-mailed to its referents
only), about to breach (listed: the clock's day-5 reminder is the e-mail)."""

import pytest
from django.core import mail

from centres.enums import Role
from centres.models import Notification
from surveys.services.reviews import review_clock_advance, review_publish

from .factories import NOW, ReviewFactory, published

pytestmark = pytest.mark.django_db


def test_a_published_review_tells_the_referents_of_its_centre_only(
    users, django_capture_on_commit_callbacks
):
    review = ReviewFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review_publish(review=review, by=users[Role.DITP_ADMIN])
    told = Notification.objects.filter(kind="review_published")
    assert [n.recipient for n in told] == [users[Role.REFERENT]]
    assert [m.to for m in mail.outbox] == [[users[Role.REFERENT].email]]


def test_a_review_about_to_breach_is_listed_without_a_second_email(
    users, django_capture_on_commit_callbacks
):
    review = published(days_ago=5.1)
    with django_capture_on_commit_callbacks(execute=True):
        review_clock_advance(review_id=review.pk, now=NOW)
    [notification] = Notification.objects.filter(kind="review_about_to_breach")
    assert notification.recipient == users[Role.REFERENT]
    assert len(mail.outbox) == 1  # the clock's own reminder
