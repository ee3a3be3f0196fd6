"""Writes of citizen reviews: submission, moderation, the public reply and the one-week clock.

Every service is keyword-only and atomic. Clocks (`now`) are parameters so that tests control
them; the Celery tasks pass timezone.now(). The clock starts at publication: the centre's
referents are reminded 3 and 5 days later, and at 7 days without a reply the review is marked
late and the network's correspondents are told (each step once, whatever the retries)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.enums import Role
from centres.mail import mail_message
from centres.models import Action, Centre, User
from centres.notifications import notify_on_commit
from centres.public_cache import public_cache_touch
from centres.site import site_url

from ..enums import RejectionReason, ReviewChannel, ReviewFeeling, ReviewState
from ..models import REVIEW_ANSWER_DAYS, REVIEW_MAX_LENGTH, REVIEW_REMINDER_DAYS, Review

logger = logging.getLogger(__name__)

DAY3, DAY5 = REVIEW_REMINDER_DAYS
STEP_DAY3 = "day3"
STEP_DAY5 = "day5"
STEP_BREACH = "breach"


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None else None


def _locked(review: Review) -> Review:
    """The review's row, locked for the rest of the transaction (only this row)."""
    return Review.objects.select_for_update(of=("self",)).select_related("centre").get(pk=review.pk)


# --- Submission and moderation ---------------------------------------------------------------


@transaction.atomic
def review_submit(
    *, centre: Centre, experience: str, feeling: str, channel: str, now: datetime | None = None
) -> Review:
    """Record a citizen's review of a centre, pending moderation (nothing about its author)."""
    if feeling not in ReviewFeeling.values or channel not in ReviewChannel.values:
        raise ValidationError(_("Choose one of the options offered."))
    experience = experience.strip()
    if not experience or len(experience) > REVIEW_MAX_LENGTH:
        raise ValidationError(_("Describe your experience in 2,000 characters at most."))
    review = Review.objects.create(
        centre=centre,
        experience=experience,
        feeling=feeling,
        channel=channel,
        submitted_at=now or timezone.now(),
    )
    logger.info("review_submitted review_id=%s centre=%s", review.pk, centre.code)
    return review


@transaction.atomic
def review_publish(
    *, review: Review, by: User | None, text: str = "", now: datetime | None = None
) -> Review:
    """Publish a pending review; a changed `text` (personal data masked) replaces the original."""
    now = now or timezone.now()
    review = _locked(review)
    if review.state != ReviewState.PENDING:
        raise ValidationError(_("This review has already been moderated."))
    text = text.strip()
    fields = ["state", "published_at", "moderated_at", "moderated_by"]
    if text and text != review.experience:
        if len(text) > REVIEW_MAX_LENGTH:
            raise ValidationError(_("Describe your experience in 2,000 characters at most."))
        # The original text is overwritten, not kept aside: the personal data must not survive.
        review.experience = text
        review.is_masked = True
        fields += ["experience", "is_masked"]
    review.state = ReviewState.PUBLISHED
    review.published_at = review.moderated_at = now
    review.moderated_by = by
    review.save(update_fields=fields)
    public_cache_touch(centre_ids=[review.centre_id])
    notify_on_commit("review_published", review)
    logger.info(
        "review_published review_id=%s centre=%s masked=%s user_id=%s",
        review.pk,
        review.centre.code,
        review.is_masked,
        _user_id(by),
    )
    return review


@transaction.atomic
def review_reject(
    *, review: Review, by: User | None, reason: str, now: datetime | None = None
) -> Review:
    """Reject a pending review with its reason; a rejection for personal data erases the text."""
    if reason not in RejectionReason.values:
        raise ValidationError(_("Choose one of the options offered."))
    review = _locked(review)
    if review.state != ReviewState.PENDING:
        raise ValidationError(_("This review has already been moderated."))
    fields = ["state", "rejection_reason", "moderated_at", "moderated_by"]
    if reason == RejectionReason.PERSONAL_DATA:
        review.experience = ""
        fields.append("experience")
    review.state = ReviewState.REJECTED
    review.rejection_reason = reason
    review.moderated_at = now or timezone.now()
    review.moderated_by = by
    review.save(update_fields=fields)
    logger.info(
        "review_rejected review_id=%s centre=%s reason=%s user_id=%s",
        review.pk,
        review.centre.code,
        reason,
        _user_id(by),
    )
    return review


@transaction.atomic
def review_reply(
    *,
    review: Review,
    by: User | None,
    text: str,
    action: Action | None = None,
    now: datetime | None = None,
) -> Review:
    """Publish (or correct) the centre's reply to a published review; the first reply stops the
    clock, a correction keeps its time."""
    review = _locked(review)
    if review.state != ReviewState.PUBLISHED:
        raise ValidationError(_("Only a published review can be answered."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the reply."))
    if action is not None and action.centre_id != review.centre_id:
        raise ValidationError(_("Choose an action of this centre's plan."))
    first = review.replied_at is None
    review.reply = text
    review.action = action
    fields = ["reply", "action"]
    if first:
        review.replied_at = now or timezone.now()
        review.replied_by = by
        fields += ["replied_at", "replied_by"]
    review.save(update_fields=fields)
    public_cache_touch(centre_ids=[review.centre_id])
    logger.info(
        "review_replied review_id=%s centre=%s first=%s in_time=%s user_id=%s",
        review.pk,
        review.centre.code,
        first,
        review.answered_in_time(),
        _user_id(by),
    )
    return review


# --- The one-week clock ----------------------------------------------------------------------


def review_clock_step(review: Review, now: datetime) -> str | None:
    """The step of the clock due at `now` for a review: breach, day-5 or day-3 reminder, or None.

    A step missed while the job was down is not sent late when a later one is due: the day-5
    reminder replaces a missing day-3 one, and the breach replaces both."""
    if review.state != ReviewState.PUBLISHED or review.replied_at is not None:
        return None
    elapsed = now - review.published_at
    if elapsed >= timedelta(days=REVIEW_ANSWER_DAYS):
        return STEP_BREACH if review.breached_at is None else None
    if elapsed >= timedelta(days=DAY5):
        return STEP_DAY5 if review.reminded_day5_at is None else None
    if elapsed >= timedelta(days=DAY3):
        if review.reminded_day3_at is None and review.reminded_day5_at is None:
            return STEP_DAY3
    return None


def reviews_due_ids(now: datetime) -> QuerySet:
    """Ids of published, unanswered reviews whose clock has a step due at `now`."""
    week, day5, day3 = (
        now - timedelta(days=REVIEW_ANSWER_DAYS),
        now - timedelta(days=DAY5),
        now - timedelta(days=DAY3),
    )
    due = (
        Q(published_at__lte=week, breached_at__isnull=True)
        | Q(published_at__gt=week, published_at__lte=day5, reminded_day5_at__isnull=True)
        | Q(
            published_at__gt=day5,
            published_at__lte=day3,
            reminded_day3_at__isnull=True,
            reminded_day5_at__isnull=True,
        )
    )
    return (
        Review.objects.filter(state=ReviewState.PUBLISHED, replied_at__isnull=True)
        .filter(due)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _people(role: str, **scope) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=role,
            **{f"role_assignments__{key}": value for key, value in scope.items()},
        )
        .distinct()
        .order_by("id")
    )


def _clock_message(
    review: Review, step: str, user: User, url: str, now: datetime
) -> EmailMultiAlternatives:
    name = "review_breach" if step == STEP_BREACH else "review_reminder"
    context = {
        "review": review,
        "centre": review.centre,
        "recipient_name": user.get_short_name(),
        "days": (now - review.published_at).days,
        "days_left": max((review.deadline - now).days, 0),
        "deadline": review.deadline,
        "url": url,
    }
    return mail_message(template=f"surveys/reviews/emails/{name}", context=context, to=[user.email])


@transaction.atomic
def review_clock_advance(*, review_id: int, now: datetime) -> str | None:
    """Take the clock step due for a review at `now` (e-mails included); return it, or None.

    Idempotent: the step's date is written in the same transaction as the sending, so a retry
    after a failure sends again and a retry after success finds nothing to do."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("centre__structure")
        .filter(pk=review_id)
        .first()
    )
    step = review_clock_step(review, now) if review is not None else None
    if step is None:
        return None
    centre = review.centre
    reply_url = site_url() + reverse("surveys:review_reply", kwargs={"pk": review.pk})
    list_url = site_url() + reverse("surveys:review_list") + f"?centre={centre.code}"
    recipients = [(user, reply_url) for user in _people(Role.REFERENT, centre_id=centre.pk)]
    if step == STEP_BREACH:
        network_id = centre.structure.network_id
        seen = {user.pk for user, _url in recipients}
        recipients += [
            (user, list_url)
            for user in _people(Role.CORRESPONDENT, network_id=network_id)
            if user.pk not in seen
        ]
        review.breached_at = now
        review.save(update_fields=["breached_at"])
    elif step == STEP_DAY5:
        review.reminded_day5_at = now
        review.save(update_fields=["reminded_day5_at"])
        notify_on_commit("review_about_to_breach", review)
    else:
        review.reminded_day3_at = now
        review.save(update_fields=["reminded_day3_at"])
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_clock_message(review, step, user, url, now) for user, url in recipients]
    if messages:
        get_connection().send_messages(messages)
    logger.info(
        "review_clock step=%s review_id=%s centre=%s recipients=%s",
        step,
        review.pk,
        centre.code,
        len(messages),
    )
    return step


def reviews_remind(*, now: datetime) -> dict[str, int]:
    """Take every clock step due at `now` (one transaction per review); count them by step."""
    done = {STEP_DAY3: 0, STEP_DAY5: 0, STEP_BREACH: 0}
    for review_id in list(reviews_due_ids(now)):
        step = review_clock_advance(review_id=review_id, now=now)
        if step:
            done[step] += 1
    return done
