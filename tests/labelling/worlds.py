"""Label objects for the accessibility screens (each function returns URL kwargs)."""

from labelling.models import Application, Certificate

from .conftest import drive, ensure_default_referential, make_application


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
