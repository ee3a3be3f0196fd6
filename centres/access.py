"""Roles and scoping helpers: the only way views reach organisation objects.

Outside the user's scope an object does not exist (404); a missing role is a 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .enums import ROLES_SEEING_ALL_CENTRES, Role
from .models import (
    Action,
    Centre,
    Network,
    Notification,
    RoleAssignment,
    SelfAssessment,
    Structure,
)

_CACHE_ATTRIBUTE = "_spplus_scope"

# Every role of the staff (a page open to any signed-in staff member, each within their scope).
STAFF_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class Scope:
    """What a signed-in user may do and see, read once per request."""

    roles: frozenset[str]
    centre_ids: frozenset[int]
    network_ids: frozenset[int]
    certification_body_ids: frozenset[int]
    # The header's count, read in the same query (a person without a role is told nothing).
    unread_notifications: int = 0

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


EMPTY_SCOPE = Scope(frozenset(), frozenset(), frozenset(), frozenset())


def scope_of(user) -> Scope:
    """Return the user's roles, scopes and unread notifications (one query, cached on the user
    object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    unread = (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .values("recipient")
        .annotate(count=Count("id"))
        .values("count")
    )
    rows = list(
        RoleAssignment.objects.filter(user=user)
        .annotate(unread=Subquery(unread))
        .values_list("role", "centre_id", "network_id", "certification_body_id", "unread")
    )
    scope = Scope(
        unread_notifications=rows[0][4] or 0 if rows else 0,
        roles=frozenset(row[0] for row in rows),
        centre_ids=frozenset(row[1] for row in rows if row[1]),
        network_ids=frozenset(row[2] for row in rows if row[2]),
        certification_body_ids=frozenset(row[3] for row in rows if row[3]),
    )
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of the roles."""
    return scope_of(user).has(*roles)


def require_role(user, *roles: str) -> Scope:
    """Return the user's scope, or raise PermissionDenied (403) without one of the roles."""
    scope = scope_of(user)
    if not scope.has(*roles):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return scope


def role_required(*roles: str) -> Callable:
    """View decorator: sign-in first, then one of the roles, else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def visible_centres(user) -> QuerySet[Centre]:
    """Centres the user may see: all, their network's, their own, or none."""
    scope = scope_of(user)
    centres = Centre.objects.select_related("structure")
    if scope.has(*ROLES_SEEING_ALL_CENTRES):
        return centres.all()
    if scope.has(Role.CORRESPONDENT) or scope.has(Role.REFERENT):
        return centres.filter(
            Q(structure__network_id__in=scope.network_ids) | Q(id__in=scope.centre_ids)
        )
    return centres.none()


def get_centre(user, code: str) -> Centre:
    """Return a centre by code if the user may see it, else 404."""
    return get_object_or_404(visible_centres(user), code=code)


def managed_centres(user) -> QuerySet[Centre]:
    """Centres whose self-assessment and action plan the user may edit (their referent role)."""
    return Centre.objects.filter(id__in=scope_of(user).centre_ids)


# --- Self-assessment and action plan ---------------------------------------------------------

# Who reads a centre's self-assessment and action plan (each within their scope); only the
# centre's own referent writes them.
IMPROVEMENT_READERS = (
    Role.REFERENT,
    Role.CORRESPONDENT,
    Role.AUDITOR,
    Role.DECIDER,
    Role.DITP_ADMIN,
)


def get_improvement_centre(user, code: str) -> Centre:
    """Return a centre whose self-assessment and action plan the user may read (403, 404)."""
    require_role(user, *IMPROVEMENT_READERS)
    return get_centre(user, code)


def get_managed_centre(user, code: str) -> Centre:
    """Return a centre the user is the referent of, to edit its plan (403 no role, 404 other)."""
    require_role(user, Role.REFERENT)
    return get_object_or_404(managed_centres(user).select_related("structure"), code=code)


def can_manage(user, centre: Centre) -> bool:
    """True when the user is a referent of this very centre (shows the edit buttons)."""
    scope = scope_of(user)
    return scope.has(Role.REFERENT) and centre.id in scope.centre_ids


def get_self_assessment(centre: Centre, cycle: int) -> SelfAssessment | None:
    """The centre's self-assessment of a cycle, or None; the centre comes from a helper above."""
    return SelfAssessment.objects.filter(centre=centre, cycle=cycle).first()


def get_action(centre: Centre, pk: int) -> Action:
    """Return an action of a centre reached through a helper above, else 404."""
    return get_object_or_404(
        Action.objects.select_related("owner_user", "centre"), centre=centre, pk=pk
    )


# --- Organisation pages ----------------------------------------------------------------------

# Who manages the organisation: the DITP everywhere, a correspondent within their network(s).
ORGANISATION_MANAGERS = (Role.DITP_ADMIN, Role.CORRESPONDENT)


def managed_networks(user) -> QuerySet[Network]:
    """Networks whose structures and centres the user creates and edits."""
    scope = scope_of(user)
    if scope.has(Role.DITP_ADMIN):
        return Network.objects.all()
    if scope.has(Role.CORRESPONDENT):
        return Network.objects.filter(id__in=scope.network_ids)
    return Network.objects.none()


def managed_structures(user) -> QuerySet[Structure]:
    return Structure.objects.filter(network__in=managed_networks(user)).select_related("network")


def managed_organisation_centres(user) -> QuerySet[Centre]:
    """Centres whose details the user edits (not their self-assessment: that is the referent's)."""
    return Centre.objects.filter(structure__network__in=managed_networks(user)).select_related(
        "structure"
    )


def get_managed(user, queryset_of: Callable, code: str):
    """An organisation object by code among those the user manages (403 no role, 404 other)."""
    require_role(user, *ORGANISATION_MANAGERS)
    return get_object_or_404(queryset_of(user), code=code)


# --- People and roles ------------------------------------------------------------------------

# Who manages people: the DITP (every role), a correspondent (their network's referents), the
# lead of a certification body (its auditors).
PEOPLE_MANAGERS = (Role.DITP_ADMIN, Role.CORRESPONDENT, Role.AUDITOR)


@dataclass(frozen=True)
class PeopleRights:
    """The roles and scopes a manager may grant and revoke, and whom they see."""

    roles: tuple[str, ...]
    centres: QuerySet
    networks: QuerySet
    bodies: QuerySet
    is_ditp: bool

    def covers(self, assignment: RoleAssignment) -> bool:
        """True when the manager may revoke this role (its role and scope are theirs)."""
        if assignment.role not in self.roles:
            return False
        if self.is_ditp:
            return True
        if assignment.role == Role.REFERENT:
            return self.centres.filter(pk=assignment.centre_id).exists()
        if assignment.role == Role.AUDITOR:
            return (
                not assignment.is_body_lead
                and self.bodies.filter(pk=assignment.certification_body_id).exists()
            )
        return False


def people_rights(user) -> PeopleRights:
    """What the user may do on the people pages (403 when nothing)."""
    from .models import CertificationBody

    scope = require_role(user, *PEOPLE_MANAGERS)
    if scope.has(Role.DITP_ADMIN):
        return PeopleRights(
            roles=tuple(Role.values),
            centres=Centre.objects.filter(is_active=True),
            networks=Network.objects.filter(is_active=True),
            bodies=CertificationBody.objects.filter(is_active=True),
            is_ditp=True,
        )
    roles = []
    centres = Centre.objects.none()
    bodies = CertificationBody.objects.none()
    if scope.has(Role.CORRESPONDENT):
        roles.append(Role.REFERENT)
        centres = Centre.objects.filter(is_active=True, structure__network_id__in=scope.network_ids)
    led = RoleAssignment.objects.filter(user=user, role=Role.AUDITOR, is_body_lead=True)
    led_ids = list(led.values_list("certification_body_id", flat=True))
    if led_ids:
        roles.append(Role.AUDITOR)
        bodies = CertificationBody.objects.filter(is_active=True, id__in=led_ids)
    if not roles:
        raise PermissionDenied(_("Your role does not give access to this page."))
    return PeopleRights(
        roles=tuple(roles),
        centres=centres,
        networks=Network.objects.none(),
        bodies=bodies,
        is_ditp=False,
    )


def managed_people(rights: PeopleRights) -> QuerySet:
    """The accounts a manager sees: everyone for the DITP, else those holding a role they cover."""
    from .models import User

    if rights.is_ditp:
        return User.objects.all()
    return User.objects.filter(
        Q(role_assignments__role=Role.REFERENT, role_assignments__centre__in=rights.centres)
        | Q(
            role_assignments__role=Role.AUDITOR,
            role_assignments__certification_body__in=rights.bodies,
        )
    ).distinct()


def get_person(rights: PeopleRights, pk: int):
    """A person the manager sees, else 404."""
    return get_object_or_404(managed_people(rights), pk=pk)
