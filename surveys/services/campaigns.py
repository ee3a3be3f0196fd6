"""Campaigns: create, rotate the phone platform's key, close early; issue links; agents'
e-mail contacts, invitations and their purge."""

import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from centres.mail import mail_message
from centres.models import Centre
from centres.public_cache import public_cache_touch
from centres.site import site_url

from ..models import (
    AgentContact,
    Campaign,
    Invitation,
    Questionnaire,
)
from ..tokens import token_hash, token_new
from .questionnaires import questionnaire_freeze

logger = logging.getLogger(__name__)


INVITATION_BATCH_SIZE = 10_000


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


def campaign_can_close_early(campaign: Campaign, today: date) -> bool:
    """Only a running campaign that would close after today can be closed early."""
    return campaign.opens_on <= today < campaign.closes_on


def campaign_can_issue(campaign: Campaign, today: date) -> bool:
    """New links work only until the campaign's last day (an upcoming one may issue ahead)."""
    return today <= campaign.closes_on


def campaign_close_early(*, campaign: Campaign, today: date) -> int:
    """End a running campaign today; its unused links then expire with it (count returned).

    A link's expiry is fixed when it is issued (invitation_expiry): moving the closing day
    alone would leave the links issued earlier valid past it."""
    if not campaign_can_close_early(campaign, today):
        raise ValueError("Only a running campaign that closes after today can be closed early.")
    with transaction.atomic():
        campaign.closes_on = today
        campaign.save(update_fields=["closes_on"])
        end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        shortened = Invitation.objects.filter(
            campaign=campaign, used=False, expires_at__gt=end
        ).update(expires_at=end)
        public_cache_touch(structure_id=campaign.structure_id)
    logger.info("campaign_closed_early campaign=%s links=%s", campaign.slug, shortened)
    return shortened


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


# Agent e-mail invitations ---------------------------------------------------------------------


class ContactImportError(ValueError):
    """The uploaded list cannot be imported; the message says why (in French)."""


def agent_contacts_import(*, campaign: Campaign, centre: Centre, emails: list[str]) -> int:
    """Add agents' addresses to an agent campaign (duplicates ignored); return how many added."""
    from ..enums import Audience

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
            unanswered = contact.invitation and not contact.invitation.used
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
    from django.urls import reverse

    context = {
        "campaign": contact.campaign,
        "url": site_url() + reverse("surveys:answer", kwargs={"token": token}),
        "reminder": reminder,
        "expires_at": invitation_expiry(campaign=contact.campaign, now=timezone.now()),
    }
    mail_message(
        template="surveys/campaigns/emails/agent_invitation", context=context, to=[contact.email]
    ).send()


def agent_contacts_purge(*, today: date) -> int:
    """Delete the agents' addresses of every campaign closed before today (data retention)."""
    deleted, _ = AgentContact.objects.filter(campaign__closes_on__lt=today).delete()
    logger.info("agent_contacts_purged count=%s", deleted)
    return deleted
