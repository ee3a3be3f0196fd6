"""Label objects for the accessibility screens (each function returns URL kwargs)."""

from decimal import Decimal

from centres.enums import Role
from labelling import services
from labelling.models import Application, AuditCriterion, Certificate, Finding, Referential

from .conftest import drive, ensure_default_referential, fill_grid, grade, make_application


def _application(world, until: str) -> Application:
    ensure_default_referential()
    existing = Application.objects.first()
    if existing:
        return existing
    return drive(make_application(world.users), world.users, until)


def decided_application(world) -> dict:
    return {"pk": _application(world, "decided").pk}


def submitted_application(world) -> dict:
    return {"pk": _application(world, "submitted").pk}


def open_audit(world) -> dict:
    return {"pk": _application(world, "audit_planned").audits.get().pk}


def open_audit_site(world) -> dict:
    audit = _application(world, "audit_planned").audits.get()
    return {"pk": audit.pk, "site_pk": audit.sites.first().pk}


def certificate(world) -> dict:
    _application(world, "decided")
    return {"pk": Certificate.objects.get().pk}


def verification(world) -> dict:
    _application(world, "decided")
    return {"token": Certificate.objects.get().public_token}


def application_with_findings(world) -> dict:
    """An audited application with a major NC (open), a minor NC (closed) and a good practice."""
    application = _application(world, "audit_planned")
    audit = application.audits.get()
    lead = world.users[Role.AUDITOR]
    criterion = AuditCriterion.objects.get(
        engagement__referential=application.referential, code="2.2"
    )
    site = grade(audit, "2.2", lead, conformity="non_conform")
    for kind, text in [
        ("major_nc", "Numéro surtaxé affiché sur les courriers."),
        ("minor_nc", "Horaires d'affluence non publiés."),
        ("good_practice", "Rappel systématique sous 48 heures."),
    ]:
        finding = services.finding_add(
            audit_id=audit.pk,
            criterion_id=criterion.pk,
            kind=kind,
            description=text,
            site_id=site.pk,
            by=lead,
        )
        if kind == "minor_nc":
            services.finding_close(finding_id=finding.pk, note="Horaires publiés.", by=lead)
    fill_grid(audit, lead)
    services.audit_close(audit_id=audit.pk, conclusion="Audit terminé.", by=lead)
    return {"pk": application.pk}


def open_finding(world) -> dict:
    application_with_findings(world)
    return {"pk": Finding.objects.filter(closed_at__isnull=True, kind="major_nc").get().pk}


def default_referential(world) -> dict:
    return {"pk": ensure_default_referential().pk}


def derived_referential(world) -> dict:
    """A draft version 2 copied from version 1, with a threshold, a weight and a wording edited."""
    source = ensure_default_referential()
    existing = Referential.objects.filter(based_on=source).first()
    if existing:
        return {"pk": existing.pk}
    new = services.referential_version_derive(
        source_id=source.pk,
        by=world.users[Role.DITP_ADMIN],
        name="Référentiel 2026 (projet)",
        level_rules={"or": {"min_agent_involvement": Decimal("0.8")}},
        criterion_weights={"4.1": 4},
        engagement_titles={3: "Un accompagnement adapté à chaque situation"},
    )
    return {"pk": new.pk}


def appeal_waiting(world) -> dict:
    """A refusal under appeal with no independent decider left: the queue's warning."""
    ensure_default_referential()
    application = Application.objects.first() or drive(
        make_application(world.users), world.users, "decided", outcome="refused"
    )
    if application.status == "decided":
        services.appeal_file(
            application_id=application.pk, reason="Erreur.", by=world.users[Role.CORRESPONDENT]
        )
    return {}


def logged_decisions(world) -> dict:
    """A decided application: the decision log has entries."""
    _application(world, "decided")
    return {}


def pending_derogation(world) -> dict:
    """Argent proposed without survey figures (the scorecard refuses): a derogation waits."""
    from .conftest import confirming_decider

    ensure_default_referential()
    existing = Application.objects.first()
    if existing:
        return {"pk": existing.pk}
    application = drive(make_application(world.users), world.users, "proposed")
    services.decision_take(
        application_id=application.pk,
        outcome="argent",
        motivation="Effort remarquable.",
        by=world.users[Role.DECIDER],
    )
    confirming_decider()
    return {"pk": application.pk}
