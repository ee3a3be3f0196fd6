"""Writes of the surveys app: questionnaires, campaigns, invitations, responses and rollups."""

import logging
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from centres.models import Centre

from .models import (
    AgentContact,
    Answer,
    Campaign,
    DailyRollup,
    Invitation,
    Question,
    Questionnaire,
    Response,
)
from .tokens import token_hash, token_new

logger = logging.getLogger(__name__)

INVITATION_BATCH_SIZE = 10_000
ROLLUP_SHARDS = 8


class InvitationError(Exception):
    """An invitation that cannot be answered; `status` is the HTTP status to show."""

    status = 400


class InvitationUnknown(InvitationError):
    status = 404


class InvitationUsed(InvitationError):
    status = 409


class InvitationExpired(InvitationError):
    status = 410


@dataclass(frozen=True)
class AnswerInput:
    """One validated answer: a scale value, or the text of a comment."""

    question: Question
    value: str = ""
    text: str = ""


# Questionnaires -------------------------------------------------------------------------------


def questionnaire_freeze(*, questionnaire: Questionnaire) -> None:
    """Freeze a questionnaire version: from now on, editing it means a new version."""
    if questionnaire.frozen_at is None:
        now = timezone.now()
        Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at__isnull=True).update(
            frozen_at=now
        )
        questionnaire.frozen_at = now


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copy a questionnaire and its questions into the next, editable version."""
    latest = Questionnaire.objects.filter(code=questionnaire.code).order_by("-version").first()
    copy = Questionnaire.objects.create(
        code=questionnaire.code,
        version=latest.version + 1,
        audience=questionnaire.audience,
        name=questionnaire.name,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            position=q.position,
            code=q.code,
            kind=q.kind,
            engagement_number=q.engagement_number,
            is_headline=q.is_headline,
            required=q.required,
            text_fr=q.text_fr,
            text_en=q.text_en,
        )
        for q in questionnaire.questions.all()
    )
    return copy


# Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    slug: str,
    name: str,
    questionnaire: Questionnaire,
    centres: Iterable[Centre],
    channel: str,
    opens_on: date,
    closes_on: date,
    link_validity_days: int = 14,
) -> Campaign:
    """Create a campaign on a structure's centres and freeze its questionnaire version."""
    centres = list(centres)
    if not centres:
        raise ValueError("A campaign needs at least one centre.")
    campaign = Campaign.objects.create(
        slug=slug,
        name=name,
        questionnaire=questionnaire,
        structure=centres[0].structure,
        channel=channel,
        opens_on=opens_on,
        closes_on=closes_on,
        link_validity_days=link_validity_days,
    )
    campaign.centres.set(centres)
    questionnaire_freeze(questionnaire=questionnaire)
    return campaign


def campaign_api_key_rotate(*, campaign: Campaign) -> str:
    """Give the campaign a new API key for the phone platform; return it (shown once)."""
    key = token_new() + token_new()
    campaign.api_key_hash = token_hash(key)
    campaign.save(update_fields=["api_key_hash"])
    return key


# Invitations ----------------------------------------------------------------------------------


def invitation_expiry(*, campaign: Campaign, now: datetime) -> datetime:
    """Links live `link_validity_days`, and never past the end of the campaign's closing day."""
    end_of_campaign = timezone.make_aware(
        datetime.combine(campaign.closes_on + timedelta(days=1), time.min)
    )
    return min(now + timedelta(days=campaign.link_validity_days), end_of_campaign)


def invitations_issue(
    *,
    campaign: Campaign,
    count: int,
    centres: list[Centre] | None = None,
    batch_size: int = INVITATION_BATCH_SIZE,
) -> Iterator[tuple[Centre, str]]:
    """Issue `count` single-use links, spread over the centres; yield (centre, token) pairs.

    Each batch is committed in its own transaction before its tokens are yielded, so a token
    handed out always exists; tokens are never stored, only their hash."""
    centres = centres or list(campaign.centres.all()) or list(campaign.structure.centres.all())
    if not centres:
        raise ValueError("The campaign has no centre.")
    questionnaire_freeze(questionnaire=campaign.questionnaire)
    expires_at = invitation_expiry(campaign=campaign, now=timezone.now())
    issued = 0
    while issued < count:
        size = min(batch_size, count - issued)
        pairs = [(centres[(issued + i) % len(centres)], token_new()) for i in range(size)]
        with transaction.atomic():
            _invitations_insert(campaign_id=campaign.pk, expires_at=expires_at, pairs=pairs)
        issued += size
        logger.info("invitations_issued campaign=%s count=%s", campaign.slug, size)
        yield from pairs


def _invitations_insert(
    *, campaign_id: int, expires_at: datetime, pairs: list[tuple[Centre, str]]
) -> None:
    """Insert one batch of invitations: COPY on PostgreSQL (no ORM objects), else bulk_create."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Invitation._meta.db_table)
        columns = "(campaign_id, centre_id, token_hash, expires_at)"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for centre, token in pairs:
                    copy.write_row((campaign_id, centre.pk, token_hash(token), expires_at))
        return
    Invitation.objects.bulk_create(
        [
            Invitation(
                campaign_id=campaign_id,
                centre_id=centre.pk,
                token_hash=token_hash(token),
                expires_at=expires_at,
            )
            for centre, token in pairs
        ],
        batch_size=len(pairs),
    )


def invitation_for_token(token: str) -> Invitation:
    """The invitation a token opens, with campaign and questionnaire; raise if not answerable."""
    invitation = (
        Invitation.objects.select_related("campaign__questionnaire")
        .filter(token_hash=token_hash(token))
        .first()
    )
    _check_answerable(invitation)
    return invitation


def _check_answerable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationUnknown
    if invitation.used_on is not None:
        raise InvitationUsed
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired


# Responses ------------------------------------------------------------------------------------


@transaction.atomic
def response_submit(*, token: str, answers: list[AnswerInput]) -> Response:
    """Store an anonymous response, mark its link used and count it, in one transaction.

    The invitation row is locked first: concurrent submissions of one link wait, then find it
    used (InvitationUsed). The response keeps no trace of the invitation."""
    invitation = (
        # Lock the invitation row only: locking the joined campaign row too would queue every
        # submission of the campaign behind one another.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(token_hash=token_hash(token))
        .first()
    )
    _check_answerable(invitation)
    campaign = invitation.campaign
    day = timezone.localdate()
    response = Response.objects.create(
        campaign=campaign,
        centre_id=invitation.centre_id,
        questionnaire_id=campaign.questionnaire_id,
        day=day,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=a.question, value=a.value, text=a.text) for a in answers
    )
    Invitation.objects.filter(pk=invitation.pk).update(used_on=day)
    rollups_increment(
        campaign_id=campaign.pk,
        centre_id=invitation.centre_id,
        day=day,
        values=[(a.question.pk, a.value) for a in answers if a.value],
    )
    logger.info("response_stored campaign=%s centre=%s", campaign.slug, invitation.centre_id)
    return response


def rollups_increment(
    *,
    campaign_id: int,
    centre_id: int,
    day: date,
    values: list[tuple[int, str]],
    counts: list[int] | None = None,
    shard: int | None = None,
) -> None:
    """Add to the daily counts in one INSERT ... ON CONFLICT DO UPDATE (PostgreSQL, SQLite)."""
    if not values:
        return
    counts = counts or [1] * len(values)
    shard = random.randrange(ROLLUP_SHARDS) if shard is None else shard
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    day_value = connection.ops.adapt_datefield_value(day)
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(values))
    params = []
    # Always the same order of rows: two transactions never lock them in opposite orders.
    for (question_id, value), count in sorted(zip(values, counts, strict=True)):
        params += [campaign_id, question_id, centre_id, day_value, value, shard, count]
    sql = (
        f"INSERT INTO {table} (campaign_id, question_id, centre_id, day, value, shard, count) "
        f"VALUES {rows} ON CONFLICT (campaign_id, question_id, centre_id, day, value, shard) "
        f"DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Rollup reconciliation ------------------------------------------------------------------------

RollupKey = tuple[int, int, int, date, str]


def rollups_recompute(*, campaign_ids: list[int] | None = None) -> dict[RollupKey, int]:
    """Recount answers per (campaign, question, centre, day, value) from the raw responses."""
    answers = Answer.objects.exclude(value="")
    if campaign_ids is not None:
        answers = answers.filter(response__campaign_id__in=campaign_ids)
    rows = (
        answers.values_list(
            "response__campaign_id", "question_id", "response__centre_id", "response__day", "value"
        )
        .annotate(total=Count("id"))
        .order_by()
    )
    return {tuple(row[:5]): row[5] for row in rows.iterator(chunk_size=10_000)}


def rollups_differences(
    *, campaign_ids: list[int] | None = None
) -> list[tuple[RollupKey, int, int]]:
    """(cell, stored count, recomputed count) for every cell where the rollups are wrong."""
    expected = rollups_recompute(campaign_ids=campaign_ids)
    stored_rows = DailyRollup.objects.all()
    if campaign_ids is not None:
        stored_rows = stored_rows.filter(campaign_id__in=campaign_ids)
    stored = {
        tuple(row[:5]): row[5]
        for row in stored_rows.values_list(
            "campaign_id", "question_id", "centre_id", "day", "value"
        )
        .annotate(total=Sum("count"))
        .order_by()
        .iterator(chunk_size=10_000)
    }
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key, 0) != stored.get(key, 0):
            differences.append((key, stored.get(key, 0), expected.get(key, 0)))
    return differences


# Agent e-mail invitations ---------------------------------------------------------------------


class ContactImportError(ValueError):
    """The uploaded list cannot be imported; the message says why (in French)."""


def agent_contacts_import(*, campaign: Campaign, centre: Centre, emails: list[str]) -> int:
    """Add agents' addresses to an agent campaign (duplicates ignored); return how many added."""
    from .enums import Audience

    if campaign.questionnaire.audience != Audience.AGENT:
        raise ContactImportError("not an agent campaign")
    with transaction.atomic():
        before = AgentContact.objects.filter(campaign=campaign).count()
        AgentContact.objects.bulk_create(
            [AgentContact(campaign=campaign, centre=centre, email=e.lower()) for e in emails],
            ignore_conflicts=True,
        )
        added = AgentContact.objects.filter(campaign=campaign).count() - before
    logger.info("agent_contacts_imported campaign=%s added=%s", campaign.slug, added)
    return added


def agent_invitation_send(*, contact_id: int, reminder: bool) -> bool:
    """E-mail one agent a fresh single-use link (first invitation, or reminder if unanswered).

    Idempotent: a contact is invited once and reminded once. A reminder gives the invitation
    a new token (only hashes are stored, so the old link cannot be re-sent) and the old link
    stops working."""
    with transaction.atomic():
        contact = (
            AgentContact.objects.select_for_update(of=("self",))
            .select_related("campaign", "invitation")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            return False
        today = timezone.localdate()
        if reminder:
            unanswered = contact.invitation and contact.invitation.used_on is None
            if not unanswered or contact.reminded_on or not contact.invited_on:
                return False
        elif contact.invited_on:
            return False
        campaign = contact.campaign
        token = token_new()
        expires_at = invitation_expiry(campaign=campaign, now=timezone.now())
        if contact.invitation:
            Invitation.objects.filter(pk=contact.invitation_id).update(
                token_hash=token_hash(token), expires_at=expires_at
            )
        else:
            contact.invitation = Invitation.objects.create(
                campaign=campaign,
                centre_id=contact.centre_id,
                token_hash=token_hash(token),
                expires_at=expires_at,
            )
        if reminder:
            contact.reminded_on = today
        else:
            contact.invited_on = today
        contact.save(update_fields=["invitation", "invited_on", "reminded_on"])
        # Sent inside the transaction: if the mail server refuses, nothing is marked and the
        # task can try again.
        _agent_mail(contact=contact, token=token, reminder=reminder)
    logger.info("agent_invitation_sent campaign=%s reminder=%s", campaign.slug, reminder)
    return True


def _agent_mail(*, contact: AgentContact, token: str, reminder: bool) -> None:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    context = {
        "campaign": contact.campaign,
        "url": settings.SITE_URL + reverse("surveys:answer", kwargs={"token": token}),
        "reminder": reminder,
        "expires_at": invitation_expiry(campaign=contact.campaign, now=timezone.now()),
    }
    subject = render_to_string("surveys/emails/agent_invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("surveys/emails/agent_invitation.txt", context),
        to=[contact.email],
    )
    message.attach_alternative(
        render_to_string("surveys/emails/agent_invitation.html", context), "text/html"
    )
    message.send()


def agent_contacts_purge(*, today: date) -> int:
    """Delete the agents' addresses of every campaign closed before today (data retention)."""
    deleted, _ = AgentContact.objects.filter(campaign__closes_on__lt=today).delete()
    logger.info("agent_contacts_purged count=%s", deleted)
    return deleted
