"""Fixtures for the label workflow: an application of the DGFiP platform driven step by step."""

from datetime import date

import pytest

from centres.enums import Role
from centres.models import Centre, CertificationBody, Structure
from labelling import services
from labelling.defaults import CRITERIA, LEVEL_RULES, level_rule_values
from labelling.enums import Conformity, Outcome
from labelling.models import (
    AuditCriterion,
    Derogation,
    Engagement,
    GridEntry,
    LevelRule,
    Referential,
)
from tests.factories import make_user

CONFIRMING_DECIDER = "second-decideur@example.org"


def confirming_decider():
    """The decider who confirms the derogations that drive() records (created once)."""
    from centres.models import User

    user = User.objects.filter(email=CONFIRMING_DECIDER).first()
    if user is None:
        user = make_user(Role.DECIDER)
        user.email = CONFIRMING_DECIDER
        user.save(update_fields=["email"])
    return user


ENGAGEMENTS = [
    (1, "closer", "Accueil bienveillant"),
    (2, "closer", "Contact facile"),
    (3, "closer", "Accompagnement adapté"),
    (4, "efficient", "Délais annoncés"),
    (5, "efficient", "Information claire"),
    (6, "efficient", "Résultats publiés"),
    (7, "simpler", "Avis pris en compte"),
    (8, "simpler", "Impact environnemental"),
]


def ensure_default_referential() -> Referential:
    """Referential v1 as migrations 0002 and 0004 leave it (transactional tests empty tables)."""
    referential, _ = Referential.objects.get_or_create(
        version=1,
        defaults={"name": "Référentiel Services Publics+ 2023", "status": "active"},
    )
    for number, group, title in ENGAGEMENTS:
        Engagement.objects.get_or_create(
            referential=referential, number=number, defaults={"group": group, "title": title}
        )
    engagements = {e.number: e for e in referential.engagements.all()}
    for number, code, title, weight in CRITERIA:
        AuditCriterion.objects.get_or_create(
            engagement=engagements[number], code=code, defaults={"title": title, "weight": weight}
        )
    for level in LEVEL_RULES:
        LevelRule.objects.get_or_create(
            referential=referential, level=level, defaults=level_rule_values(level)
        )
    return referential


@pytest.fixture
def referential(db):
    return ensure_default_referential()


@pytest.fixture
def dgfip(organisation):
    return Structure.objects.get(code="dgfip-pap")


@pytest.fixture
def body(organisation):
    return CertificationBody.objects.get(code="organisme-demo")


@pytest.fixture
def second_auditor(body):
    return make_user(Role.AUDITOR, certification_body=body)


@pytest.fixture
def other_decider(users):
    return make_user(Role.DECIDER)


def make_application(users, cycle: int = 2025):
    """A draft application of the DGFiP platform."""
    return services.application_create(
        structure=Structure.objects.get(code="dgfip-pap"),
        cycle=cycle,
        certification_body=CertificationBody.objects.get(code="organisme-demo"),
        survey_start=date(cycle - 1, 12, 1),
        survey_end=date(cycle, 5, 31),
        by=users[Role.CORRESPONDENT],
    )


@pytest.fixture
def application(referential, users, dgfip, body):
    """A draft application of the DGFiP platform for 2025."""
    return make_application(users)


STEPS = ["submitted", "audit_planned", "audited", "proposed", "decided"]


def fill_grid(audit, by, conformity=Conformity.CONFORM):
    """Fill the rest of the grid at once, keeping what is already graded (the grid service
    itself is tested in test_audits.py)."""
    criteria = AuditCriterion.objects.filter(
        engagement__referential_id=audit.application.referential_id
    )
    GridEntry.objects.bulk_create(
        (
            GridEntry(site=site, criterion=criterion, conformity=conformity, updated_by=by)
            for site in audit.sites.all()
            for criterion in criteria
        ),
        ignore_conflicts=True,
    )


def grade(audit, code: str, by, conformity=Conformity.PARTIAL, site=None):
    """Grade one criterion on one site (the first by default): a non-conformity needs it."""
    site = site or audit.sites.first()
    criterion = AuditCriterion.objects.get(
        code=code, engagement__referential_id=audit.application.referential_id
    )
    services.grid_entry_save(
        site_id=site.pk, criterion_id=criterion.pk, conformity=conformity, by=by
    )
    return site


def drive(application, users, until: str, *, team=(), outcome=Outcome.ARGENT):
    """Move an application through the workflow up to the status `until`."""
    correspondent, auditor = users[Role.CORRESPONDENT], users[Role.AUDITOR]
    target = STEPS.index(until)
    cycle = application.cycle
    services.application_submit(application_id=application.pk, by=correspondent)
    if target >= 1:
        audit = services.audit_plan(
            application_id=application.pk,
            by=auditor,
            start_date=date(cycle, 3, 3),
            end_date=date(cycle, 3, 28),
            team_ids=[u.pk for u in team],
            seed=2025,
        )
    if target >= 2:
        fill_grid(audit, auditor)
        services.audit_close(audit_id=audit.pk, conclusion="Audit satisfaisant.", by=auditor)
    if target >= 3:
        services.proposal_make(
            application_id=application.pk, outcome=outcome, motivation="Argent.", by=auditor
        )
    if target >= 4:
        taken = services.decision_take(
            application_id=application.pk,
            outcome=outcome,
            motivation="Conforme à la proposition.",
            by=users[Role.DECIDER],
            decided_on=date(cycle, 6, 26),
        )
        if isinstance(taken, Derogation):
            # Without survey figures the scorecard refuses: a level is a derogation, which a
            # second decider confirms (tests/labelling/test_derogations.py tests the rule).
            services.derogation_confirm(
                application_id=application.pk, note="Confirmé.", by=confirming_decider()
            )
    application.refresh_from_db()
    return application


@pytest.fixture
def lille(organisation):
    return Centre.objects.get(code="lille")
