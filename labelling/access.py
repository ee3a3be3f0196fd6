"""Scoping helpers for label applications: 404 outside the user's scope, 403 without a role.

Who sees an application: DITP administrators and deciders (all), auditors (their body's),
national correspondents (their network's), quality referents (their structure's)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from centres.access import scope_of
from centres.enums import Role

from .enums import AuditKind
from .models import Application, Audit, AuditSite, Certificate, Evidence, Finding


def visible_applications(user) -> QuerySet[Application]:
    """Applications the user may see, with their structure and certification body."""
    scope = scope_of(user)
    applications = Application.objects.select_related(
        "structure", "certification_body", "referential"
    )
    if scope.has(Role.DITP_ADMIN, Role.DECIDER):
        return applications.all()
    condition = Q(pk__in=[])
    if scope.has(Role.AUDITOR):
        condition |= Q(certification_body_id__in=scope.certification_body_ids)
    if scope.has(Role.CORRESPONDENT):
        condition |= Q(structure__network_id__in=scope.network_ids)
    if scope.has(Role.REFERENT):
        condition |= Q(structure__centres__id__in=scope.centre_ids)
    return applications.filter(condition).distinct()


def get_application(user, pk: int) -> Application:
    """Return an application the user may see, else 404."""
    return get_object_or_404(visible_applications(user), pk=pk)


def get_audit(user, pk: int) -> Audit:
    """Return an audit of an application the user may see, else 404."""
    visible = visible_applications(user).values("pk")
    return get_object_or_404(
        Audit.objects.select_related("application__structure", "lead_auditor").filter(
            application__in=visible
        ),
        pk=pk,
    )


def get_certificate(user, pk: int) -> Certificate:
    """Return a certificate of an application the user may see, else 404."""
    visible = visible_applications(user).values("pk")
    return get_object_or_404(
        Certificate.objects.select_related("decision__application__structure").filter(
            decision__application__in=visible
        ),
        pk=pk,
    )


def get_finding(user, pk: int) -> Finding:
    """Return a finding of an application the user may see, else 404."""
    visible = visible_applications(user).values("pk")
    return get_object_or_404(
        Finding.objects.select_related(
            "audit__application__structure", "criterion", "site__centre", "action__centre"
        ).filter(audit__application__in=visible),
        pk=pk,
    )


def get_evidence(user, pk: int) -> Evidence:
    """Return an evidence file of an application the user may see, else 404."""
    visible = visible_applications(user).values("pk")
    return get_object_or_404(
        Evidence.objects.select_related("audit").filter(audit__application__in=visible), pk=pk
    )


def readable_centre_ids(user, application: Application) -> set[int] | None:
    """The centres whose audit records (grid entries, findings, evidence) of `application`
    the user may read: None for every centre (DITP, deciders, the application's auditors and
    correspondent), else a quality referent's own centres."""
    scope = scope_of(user)
    if (
        scope.has(Role.DITP_ADMIN, Role.DECIDER)
        or (
            scope.has(Role.AUDITOR)
            and application.certification_body_id in scope.certification_body_ids
        )
        or (scope.has(Role.CORRESPONDENT) and application.structure.network_id in scope.network_ids)
    ):
        return None
    return set(scope.centre_ids)


def readable_sites(user, audit: Audit) -> QuerySet[AuditSite]:
    """The sites of `audit` whose grid the user may read."""
    centre_ids = readable_centre_ids(user, audit.application)
    sites = audit.sites.select_related("centre")
    return sites if centre_ids is None else sites.filter(centre_id__in=centre_ids)


def get_audit_site(user, audit: Audit, pk: int) -> AuditSite:
    """A site of `audit` whose grid the user may read, else 404."""
    return get_object_or_404(readable_sites(user, audit), pk=pk)


def scoped_to_readable_sites(user, application: Application, records: QuerySet) -> QuerySet:
    """Findings or evidence limited to the sites the user may read (audit-wide records, about
    every centre, stay)."""
    centre_ids = readable_centre_ids(user, application)
    if centre_ids is None:
        return records
    return records.filter(Q(site__isnull=True) | Q(site__centre_id__in=centre_ids))


def may_read_scorecard(user) -> bool:
    """The scorecard is for the auditors, deciders, the DITP and correspondents."""
    return scope_of(user).has(Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN, Role.CORRESPONDENT)


def finding_closer_ids(application: Application, audit: Audit) -> set[int]:
    """Who may close a finding of `audit`: its lead auditor, or the lead of an open follow-up
    audit of the same application (the follow-up verifies the corrections)."""
    follow_up_leads = application.audits.filter(
        kind=AuditKind.FOLLOW_UP, closed_at__isnull=True
    ).values_list("lead_auditor_id", flat=True)
    return {audit.lead_auditor_id, *follow_up_leads}


def may_close_findings(user, application: Application, audit: Audit) -> bool:
    """True when the user, an auditor of the application's body, may close `audit`'s findings."""
    scope = scope_of(user)
    return (
        scope.has(Role.AUDITOR)
        and application.certification_body_id in scope.certification_body_ids
        and user.pk in finding_closer_ids(application, audit)
    )


def is_on_audit_team(user, application: Application) -> bool:
    """True when the user led or took part in any audit of the application."""
    return Audit.objects.filter(
        Q(lead_auditor=user) | Q(team=user), application=application
    ).exists()


def appeal_examiner_excluded_ids(application: Application) -> set[int]:
    """Who may not examine an appeal on `application`: whoever decided on it (or confirmed a
    derogation) and whoever audited it."""
    decisions = application.decisions.values_list("decided_by_id", "confirmed_by_id")
    audits = Audit.objects.filter(application=application)
    return (
        {pk for pair in decisions for pk in pair if pk}
        | set(audits.values_list("lead_auditor_id", flat=True))
        | {pk for pk in audits.values_list("team", flat=True) if pk}
    )


def eligible_appeal_examiners(application: Application) -> QuerySet:
    """Active deciders independent of the case: those who may examine its appeal."""
    from centres.models import User

    return (
        User.objects.filter(is_active=True, role_assignments__role=Role.DECIDER)
        .exclude(pk__in=appeal_examiner_excluded_ids(application))
        .distinct()
    )


def may_examine_appeal(user, application: Application) -> bool:
    """True for a decider who neither decided nor audited the application."""
    return scope_of(user).has(Role.DECIDER) and user.pk not in appeal_examiner_excluded_ids(
        application
    )


def managed_structure_ids(user) -> set[int] | None:
    """Structures whose applications the user may file: None means every structure."""
    scope = scope_of(user)
    if scope.has(Role.DITP_ADMIN):
        return None
    if scope.has(Role.CORRESPONDENT):
        from centres.models import Structure

        return set(
            Structure.objects.filter(network_id__in=scope.network_ids).values_list("pk", flat=True)
        )
    return set()
