"""People and roles: invitations (single use, expiring), roles granted and revoked, accounts
deactivated; every change is written to the person's log (who, when, what)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..enums import Role
from ..mail import mail_message
from ..models import AccountInvitation, PersonEvent, PersonEventKind, RoleAssignment, User

INVITATION_VALIDITY = timedelta(days=7)
INVITATION_MAIL = "centres/people/emails/invitation"
ACCOUNT_EXISTS = _lazy("An account with this e-mail address exists: add the role on its page.")


class PeopleError(Exception):
    """A change refused (the message is French, for the person who asked)."""


@dataclass(frozen=True)
class RoleGrant:
    role: str
    centre: object = None
    network: object = None
    certification_body: object = None
    is_body_lead: bool = False

    def describe(self) -> str:
        assignment = RoleAssignment(
            role=self.role,
            centre=self.centre,
            network=self.network,
            certification_body=self.certification_body,
        )
        text = str(assignment)
        return f"{text} — {_('lead')}" if self.is_body_lead else text


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _log(person: User, actor: User | None, kind: str, detail: str = "") -> None:
    PersonEvent.objects.create(person=person, actor=actor, kind=kind, detail=detail[:300])


def _grant(person: User, actor: User, grant: RoleGrant) -> RoleAssignment:
    assignment = RoleAssignment(
        user=person,
        role=grant.role,
        centre=grant.centre,
        network=grant.network,
        certification_body=grant.certification_body,
        is_body_lead=grant.is_body_lead,
    )
    if assignment.same_role_exists():
        raise PeopleError(_("This person already holds this role with this scope."))
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # the same role granted at the same moment
        raise PeopleError(_("This person already holds this role with this scope.")) from exc
    _log(person, actor, PersonEventKind.ROLE_GRANTED, grant.describe())
    return assignment


def _send_invitation(person: User, actor: User) -> None:
    token = secrets.token_urlsafe(32)
    AccountInvitation.objects.create(
        user=person,
        token_hash=_hash(token),
        created_by=actor,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    context = {
        "person": person,
        "inviter": actor,
        "link": settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token]),
        "days": INVITATION_VALIDITY.days,
        "product": settings.PRODUCT_NAME,
    }
    message = mail_message(
        template="centres/people/emails/invitation", context=context, to=[person.email]
    )
    transaction.on_commit(message.send)


@transaction.atomic
def person_invite(*, actor: User, email: str, full_name: str, grant: RoleGrant) -> User:
    """Create the account (no password yet) with its first role and e-mail the invitation."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise PeopleError(
            _("An account with this e-mail address exists: add the role on its page.")
        )
    try:
        with transaction.atomic():
            person = User.objects.create_user(email=email, full_name=full_name.strip())
    except IntegrityError as exc:
        raise PeopleError(ACCOUNT_EXISTS) from exc
    _log(person, actor, PersonEventKind.INVITED, email)
    _grant(person, actor, grant)
    _send_invitation(person, actor)
    return person


@transaction.atomic
def person_invite_again(*, actor: User, person: User) -> None:
    """A new link for a person who has not chosen a password yet; earlier links stop working."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.has_usable_password():
        raise PeopleError(_("This person has already chosen a password."))
    AccountInvitation.objects.filter(user=person, used_at__isnull=True).update(
        expires_at=timezone.now()
    )
    _log(person, actor, PersonEventKind.INVITED, _("New invitation link"))
    _send_invitation(person, actor)


@transaction.atomic
def role_grant(*, actor: User, person: User, grant: RoleGrant) -> RoleAssignment:
    User.objects.select_for_update().get(pk=person.pk)  # one change of a person's roles at a time
    return _grant(person, actor, grant)


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    person = User.objects.select_for_update().get(pk=assignment.user_id)
    if assignment.role == Role.DITP_ADMIN and person.pk == actor.pk:
        raise PeopleError(_("You cannot revoke your own DITP administrator role."))
    detail = str(assignment)
    if RoleAssignment.objects.filter(pk=assignment.pk).delete()[0]:
        _log(person, actor, PersonEventKind.ROLE_REVOKED, detail)


@transaction.atomic
def person_set_active(*, actor: User, person: User, active: bool) -> None:
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.pk == actor.pk:
        raise PeopleError(_("You cannot deactivate your own account."))
    if person.is_active == active:
        return
    person.is_active = active
    person.save(update_fields=["is_active"])
    kind = PersonEventKind.REACTIVATED if active else PersonEventKind.DEACTIVATED
    _log(person, actor, kind)


def invitation_of(token: str) -> AccountInvitation | None:
    """The invitation a link names if it can still be used, else None."""
    if not isinstance(token, str) or len(token) > 100:
        return None
    return (
        AccountInvitation.objects.select_related("user")
        .filter(
            token_hash=_hash(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the password and use the link up, once (a second use at the same moment fails)."""
    now = timezone.now()
    claimed = AccountInvitation.objects.filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now, user__is_active=True
    ).update(used_at=now)
    if not claimed:
        raise PeopleError(_("This invitation link has expired or has already been used."))
    invitation = AccountInvitation.objects.select_related("user").get(token_hash=_hash(token))
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    AccountInvitation.objects.filter(user=person, used_at__isnull=True).update(expires_at=now)
    _log(person, person, PersonEventKind.PASSWORD_SET)
    return person
