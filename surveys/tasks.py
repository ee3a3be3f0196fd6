"""Celery adapters: they take ids and call the services (which are idempotent)."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from .models import AgentContact
from .services import agent_contacts_purge, agent_invitation_send

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, max_retries=5, default_retry_delay=10 * 60, time_limit=60, soft_time_limit=45
)
def send_agent_invitation(self, contact_id: int, reminder: bool) -> bool:
    """E-mail one agent their link (or reminder); retried if the mail server fails."""
    try:
        return agent_invitation_send(contact_id=contact_id, reminder=reminder)
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=0, time_limit=600, soft_time_limit=540)
def dispatch_agent_invitations(self, campaign_id: int, reminder: bool) -> int:
    """Queue one e-mail task per agent still to invite (or to remind) in a campaign."""
    contacts = AgentContact.objects.filter(campaign_id=campaign_id)
    if reminder:
        contacts = contacts.filter(
            invited_on__isnull=False, reminded_on__isnull=True, invitation__used_on__isnull=True
        )
    else:
        contacts = contacts.filter(invited_on__isnull=True)
    ids = list(contacts.values_list("id", flat=True))
    for contact_id in ids:
        send_agent_invitation.delay_on_commit(contact_id, reminder)
    logger.info("agent_invitations_dispatched campaign=%s count=%s", campaign_id, len(ids))
    return len(ids)


@shared_task(bind=True, max_retries=0, time_limit=300, soft_time_limit=240)
def purge_agent_contacts(self) -> int:
    """Celery beat, daily: delete the agents' addresses of closed campaigns."""
    return agent_contacts_purge(today=timezone.localdate())
