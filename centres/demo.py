"""Demo organisation: the DGFiP tax-help phone platform and its 20 contact centres.

Names and cities come from the DGFiP press release of 26 June 2025."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .enums import ActionSource, ActionStatus, MaturityLevel, Role
from .models import (
    Centre,
    CertificationBody,
    Network,
    RoleAssignment,
    SelfAssessment,
    Structure,
    User,
)
from .services.actions import action_abandon, action_close, action_create
from .services.self_assessment import EntryData, self_assessment_save, self_assessment_submit

DGFIP_CENTRES = [
    ("charleville-mezieres", "Charleville-Mézières", "08000"),
    ("carcassonne", "Carcassonne", "11000"),
    ("angouleme", "Angoulême", "16000"),
    ("valence", "Valence", "26000"),
    ("chartres", "Chartres", "28000"),
    ("brest", "Brest", "29200"),
    ("montpellier", "Montpellier", "34000"),
    ("tours", "Tours", "37000"),
    ("angers", "Angers", "49000"),
    ("nancy", "Nancy", "54000"),
    ("nevers", "Nevers", "58000"),
    ("lille", "Lille", "59000"),
    ("lens", "Lens", "62300"),
    ("pau", "Pau", "64000"),
    ("strasbourg", "Strasbourg", "67000"),
    ("lyon", "Lyon", "69000"),
    ("vesoul", "Vesoul", "70000"),
    ("le-mans", "Le Mans", "72000"),
    ("rouen", "Rouen", "76000"),
    ("amiens", "Amiens", "80000"),
]


def centre_name(city: str) -> str:
    """French name of a contact centre, with elision: « de Lille », « d'Angers », « du Mans »."""
    if city.startswith("Le "):
        return f"Centre de contact du {city[3:]}"
    if city[0].lower() in "aeiouyhâàéèêîôûü":
        return f"Centre de contact d'{city}"
    return f"Centre de contact de {city}"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    centre_code: str = ""
    in_network: bool = False
    in_certification_body: bool = False


DEMO_USERS = [
    DemoUser("admin@demo.spplus.fr", "Alice Administratrice", Role.DITP_ADMIN),
    DemoUser(
        "correspondant@demo.spplus.fr", "Bruno Correspondant", Role.CORRESPONDENT, in_network=True
    ),
    DemoUser("referent.lille@demo.spplus.fr", "Chloé Référente", Role.REFERENT, "lille"),
    DemoUser("referent.angers@demo.spplus.fr", "David Référent", Role.REFERENT, "angers"),
    DemoUser("auditeur@demo.spplus.fr", "Emma Auditrice", Role.AUDITOR, in_certification_body=True),
    DemoUser("decideur@demo.spplus.fr", "François Décideur", Role.DECIDER),
]


@transaction.atomic
def organisation_seed() -> Structure:
    """Create or update the DGFiP network, platform and centres (idempotent)."""
    network, _ = Network.objects.update_or_create(
        code="dgfip", defaults={"name": "Direction générale des Finances publiques"}
    )
    structure, _ = Structure.objects.update_or_create(
        code="dgfip-pap",
        defaults={
            "network": network,
            "name": "Plateforme d'assistance aux particuliers",
            "typology": "Centre de contact téléphonique",
            "phone_number": "0 809 401 401",
        },
    )
    for code, city, postal_code in DGFIP_CENTRES:
        Centre.objects.update_or_create(
            code=code,
            defaults={
                "structure": structure,
                "name": centre_name(city),
                "city": city,
                "postal_code": postal_code,
                # 800 agents in 20 centres (the press release of 26 June 2025).
                "agents_count": 40,
            },
        )
    CertificationBody.objects.update_or_create(
        code="organisme-demo",
        defaults={
            "name": "Organisme certificateur de démonstration",
            "accreditation": "Habilitation de démonstration",
        },
    )
    return structure


@transaction.atomic
def demo_users_seed(*, password: str | None) -> list[DemoUser]:
    """Create one demo user per role (idempotent). Without a password, sign-in is disabled."""
    network = Network.objects.get(code="dgfip")
    body = CertificationBody.objects.get(code="organisme-demo")
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=demo.email, defaults={"full_name": demo.full_name}
        )
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_staff = demo.role == Role.DITP_ADMIN
        user.save(update_fields=["password", "is_staff"])
        RoleAssignment.objects.get_or_create(
            user=user,
            role=demo.role,
            centre=Centre.objects.get(code=demo.centre_code) if demo.centre_code else None,
            network=network if demo.in_network else None,
            certification_body=body if demo.in_certification_body else None,
        )
    return DEMO_USERS


# --- Self-assessments and action plans -------------------------------------------------------

MATURITY_BY_ENGAGEMENT = {
    1: MaturityLevel.ESTABLISHED,
    2: MaturityLevel.EMERGING,
    3: MaturityLevel.ESTABLISHED,
    4: MaturityLevel.EMERGING,
    5: MaturityLevel.ESTABLISHED,
    6: MaturityLevel.EXEMPLARY,
    7: MaturityLevel.EMERGING,
    8: MaturityLevel.NOT_STARTED,
}


@dataclass(frozen=True)
class DemoAction:
    engagement_number: int
    title: str
    description: str
    source_type: str
    source_reference: str
    indicator: str
    due_in_days: int
    final_status: str
    progress: int
    is_published: bool
    closing_note: str = ""


DEMO_ACTIONS = [
    DemoAction(
        2,
        "Rappeler sous 48 heures les usagers qui n'ont pas pu joindre un conseiller",
        "Les usagers qui ont raccroché après plus de 5 minutes d'attente sont rappelés.",
        ActionSource.SURVEY_RESULT,
        "Enquête usagers, printemps 2025 : « temps d'attente » en baisse",
        "Taux de décroché",
        -40,
        ActionStatus.DONE,
        100,
        True,
        "Taux de décroché passé de 82 % à 89 % sur les quatre semaines suivant la mise en place.",
    ),
    DemoAction(
        5,
        "Former les conseillers au langage clair",
        "Deux demi-journées de formation et une fiche de phrases types relue par des usagers.",
        ActionSource.SELF_ASSESSMENT,
        "Auto-diagnostic, engagement 5",
        "Part des usagers qui jugent l'information claire",
        45,
        ActionStatus.IN_PROGRESS,
        60,
        True,
    ),
    DemoAction(
        2,
        "Publier les heures d'affluence du service téléphonique",
        "Indiquer sur le site les créneaux où l'attente est la plus courte.",
        ActionSource.CITIZEN_REVIEW,
        "Avis « Je donne mon avis » sur l'attente au téléphone",
        "Temps d'attente moyen",
        90,
        ActionStatus.PLANNED,
        0,
        True,
    ),
    DemoAction(
        4,
        "Annoncer le délai de traitement dans l'accusé de réception des demandes écrites",
        "",
        ActionSource.AUDIT_FINDING,
        "Audit de mars 2025, constat n° 3",
        "Part des demandes écrites traitées dans le délai annoncé",
        -12,
        ActionStatus.IN_PROGRESS,
        30,
        False,
    ),
    DemoAction(
        3,
        "Proposer un rendez-vous téléphonique par serveur vocal",
        "",
        ActionSource.SELF_ASSESSMENT,
        "Auto-diagnostic, engagement 3",
        "Part des usagers orientés vers un rendez-vous",
        20,
        ActionStatus.ABANDONED,
        10,
        False,
        "Remplacée par la prise de rendez-vous en ligne déployée au niveau national.",
    ),
]


def _demo_actor(centre: Centre) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(role=Role.REFERENT, centre=centre)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def _seed_self_assessments(centre: Centre, actor: User | None, today: date, index: int) -> None:
    previous = today.year - 1
    if not SelfAssessment.objects.filter(centre=centre, cycle=previous).exists():
        self_assessment_save(
            centre=centre,
            cycle=previous,
            by=actor,
            entries={
                number: EntryData(
                    maturity_level=level,
                    strengths="Accueil courtois, noms des conseillers annoncés.",
                    gaps="Suivi irrégulier des rappels promis." if number in (2, 4) else "",
                    evidence="Écoutes d'appels et tableau de bord mensuel.",
                )
                for number, level in MATURITY_BY_ENGAGEMENT.items()
            },
        )
        self_assessment_submit(centre=centre, cycle=previous, by=actor)
    # Half of the centres have started this year's self-assessment.
    if (
        index % 2 == 0
        and not SelfAssessment.objects.filter(centre=centre, cycle=today.year).exists()
    ):
        self_assessment_save(
            centre=centre,
            cycle=today.year,
            by=actor,
            entries={
                number: EntryData(maturity_level=MATURITY_BY_ENGAGEMENT[number])
                for number in (1, 2, 3, 4, 5)
            },
        )


def _seed_actions(centre: Centre, actor: User | None, today: date) -> None:
    if centre.actions.exists():
        return
    for demo in DEMO_ACTIONS:
        action = action_create(
            centre=centre,
            by=actor,
            engagement_number=demo.engagement_number,
            title=demo.title,
            description=demo.description,
            source_type=demo.source_type,
            source_reference=demo.source_reference,
            indicator=demo.indicator,
            owner_user=actor,
            owner_name="" if actor else "Responsable d'équipe",
            due_date=today + timedelta(days=demo.due_in_days),
            status=ActionStatus.PLANNED
            if demo.final_status == ActionStatus.PLANNED
            else ActionStatus.IN_PROGRESS,
            progress=demo.progress if demo.final_status != ActionStatus.DONE else 80,
            is_published=demo.is_published,
        )
        if demo.final_status == ActionStatus.DONE:
            action_close(
                action=action,
                by=actor,
                effectiveness_check=demo.closing_note,
                checked_on=today - timedelta(days=7),
                today=today,
            )
        elif demo.final_status == ActionStatus.ABANDONED:
            action_abandon(action=action, by=actor, reason=demo.closing_note, today=today)


@transaction.atomic
def improvement_seed(*, today: date | None = None) -> int:
    """Self-assessments and an action plan (actions in every status) for every centre."""
    today = today or timezone.localdate()
    centres = list(Centre.objects.order_by("code"))
    for index, centre in enumerate(centres):
        actor = _demo_actor(centre)
        _seed_self_assessments(centre, actor, today, index)
        _seed_actions(centre, actor, today)
    return len(centres)
