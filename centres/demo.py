"""Demo organisation: the DGFiP tax-help phone platform and its 20 contact centres.

Names and cities come from the DGFiP press release of 26 June 2025."""

from dataclasses import dataclass

from django.db import transaction

from .enums import Role
from .models import Centre, CertificationBody, Network, RoleAssignment, Structure, User

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
