"""Demo label data: the DGFiP platform's 2025 application, from the press release of
26 June 2025: field audit in March 2025 of 7 of the 20 centres (Angers, Tours, Carcassonne,
Montpellier, Lens, Lille, Amiens), then the Silver (Argent) level decided on 26 June 2025 by a
decider who did not audit. Findings and comments are illustrative."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from centres.models import Centre, CertificationBody, Structure, User

from . import services
from .enums import ApplicationStatus, Conformity, FindingKind, Outcome
from .models import Application, Audit, AuditCriterion, Finding

AUDITED_CODES = ["angers", "tours", "carcassonne", "montpellier", "lens", "lille", "amiens"]
LEAD_AUDITOR = "auditeur@demo.spplus.fr"
CORRESPONDENT = "correspondant@demo.spplus.fr"
DECIDER = "decideur@demo.spplus.fr"

# (centre, criterion) -> (conformity, comment) where the audit found less than conform.
GRID_EXCEPTIONS = {
    ("lens", "4.1"): (Conformity.PARTIAL, "Accusés de réception postaux envoyés sous 3 semaines."),
    ("amiens", "8.2"): (Conformity.PARTIAL, "Suivi des éco-gestes non formalisé."),
    ("carcassonne", "5.2"): (Conformity.PARTIAL, "Scripts d'appel sans version FALC."),
    ("tours", "2.3"): (Conformity.NOT_APPLICABLE, "Pas d'accueil physique sur ce site."),
    ("carcassonne", "1.1"): (Conformity.PARTIAL, "Nom de l'agent non donné sur 3 appels écoutés."),
}
FINDINGS = [
    ("lens", "4.1", FindingKind.MINOR_NC, "Délai d'accusé de réception postal dépassé.", False),
    ("amiens", "8.2", FindingKind.MINOR_NC, "Indicateurs environnementaux non suivis.", False),
    (
        "carcassonne",
        "1.1",
        FindingKind.MAJOR_NC,
        "Des agents ne donnent pas leur nom en fin d'appel.",
        True,
    ),
    (
        "lille",
        "7.3",
        FindingKind.GOOD_PRACTICE,
        "Plan d'action co-construit avec des usagers.",
        False,
    ),
    (
        "angers",
        "3.1",
        FindingKind.GOOD_PRACTICE,
        "Rappel systématique des usagers en difficulté.",
        False,
    ),
    ("montpellier", "5.1", FindingKind.OBSERVATION, "Courriers types en cours de refonte.", False),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def label_demo_seed() -> Application | None:
    """Add the 2025 DGFiP application up to its Argent decision and certificate (idempotent)."""
    structure = Structure.objects.get(code="dgfip-pap")
    existing = Application.objects.filter(structure=structure, cycle=2025).first()
    if existing:
        return existing
    lead = User.objects.get(email=LEAD_AUDITOR)
    correspondent = User.objects.get(email=CORRESPONDENT)
    decider = User.objects.get(email=DECIDER)
    application = services.application_create(
        structure=structure,
        cycle=2025,
        certification_body=CertificationBody.objects.get(code="organisme-demo"),
        survey_start=date(2024, 12, 1),
        survey_end=date(2025, 5, 31),
        by=correspondent,
    )
    services.application_submit(application_id=application.pk, by=correspondent)
    audit = services.audit_plan(
        application_id=application.pk,
        by=lead,
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 28),
        seed=2025,
    )
    centres = {c.code: c for c in Centre.objects.filter(code__in=AUDITED_CODES)}
    services.audit_sites_override(
        audit_id=audit.pk,
        centre_ids=[centres[code].pk for code in AUDITED_CODES],
        reason="Sept sites retenus avec la DGFiP pour couvrir les régions et les volumes d'appels.",
        by=lead,
    )
    criteria = {
        c.code: c
        for c in AuditCriterion.objects.filter(engagement__referential=application.referential)
    }
    for site in audit.sites.select_related("centre"):
        for code, criterion in criteria.items():
            conformity, comment = GRID_EXCEPTIONS.get(
                (site.centre.code, code), (Conformity.CONFORM, "")
            )
            services.grid_entry_save(
                site_id=site.pk,
                criterion_id=criterion.pk,
                conformity=conformity,
                comment=comment,
                by=lead,
            )
    sites = {s.centre.code: s for s in audit.sites.select_related("centre")}
    for centre, code, kind, text, corrected in FINDINGS:
        finding = services.finding_add(
            audit_id=audit.pk,
            criterion_id=criteria[code].pk,
            kind=kind,
            description=text,
            site_id=sites[centre].pk,
            by=lead,
        )
        if corrected:
            services.finding_close(
                finding_id=finding.pk,
                note="Rappel de la consigne à toutes les équipes, vérifié par écoute d'appels.",
                by=lead,
            )
    services.audit_close(
        audit_id=audit.pk,
        conclusion="Engagements bien déployés ; deux non-conformités mineures à suivre.",
        by=lead,
    )
    services.proposal_make(
        application_id=application.pk,
        outcome=Outcome.ARGENT,
        motivation="Résultats usagers et audit au niveau Argent ; implication des agents "
        "(77 %) en deçà du seuil Or.",
        by=lead,
    )
    services.decision_take(
        application_id=application.pk,
        outcome=Outcome.ARGENT,
        motivation="Niveau Argent conforme au tableau de résultats et à la proposition.",
        by=decider,
        decided_on=date(2025, 6, 26),
    )
    _calendar_2025(application, audit)
    return application


# The real calendar of the 2025 campaign: each step of the timeline, the sample change, the
# audit's findings (written during the audit, the corrected ones closed on its last days).
STEP_DAYS = {
    ApplicationStatus.SUBMITTED: date(2024, 12, 2),
    ApplicationStatus.AUDIT_PLANNED: date(2024, 12, 16),
    ApplicationStatus.AUDITED: date(2025, 3, 28),
    ApplicationStatus.PROPOSED: date(2025, 5, 15),
    ApplicationStatus.DECIDED: date(2025, 6, 26),
}
SAMPLE_CHANGED_ON = date(2025, 2, 10)
FINDINGS_WRITTEN_ON = date(2025, 3, 20)
FINDINGS_CLOSED_ON = date(2025, 3, 27)


def _calendar_2025(application, audit) -> None:
    """Date the demo as it happened, so that no 2025 step reads as done on the day of the seed."""
    notes = iter([SAMPLE_CHANGED_ON])
    for event in application.events.order_by("at", "pk"):
        if event.from_status == event.to_status:  # a note: sample change, then closed findings
            day = next(notes, FINDINGS_CLOSED_ON)
        else:
            day = STEP_DAYS.get(event.to_status, STEP_DAYS[ApplicationStatus.DECIDED])
        event.at = _at(day)
        event.save(update_fields=["at"])
    findings = Finding.objects.filter(audit=audit)
    findings.update(created_at=_at(FINDINGS_WRITTEN_ON))
    findings.filter(closed_at__isnull=False).update(closed_at=_at(FINDINGS_CLOSED_ON))
    Audit.objects.filter(pk=audit.pk).update(closed_at=_at(STEP_DAYS[ApplicationStatus.AUDITED]))
