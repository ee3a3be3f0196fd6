"""Build the programme at its real scale for the public-site benchmarks (bench/public_site.py).

    DATABASE_URL=postgres://... python bench/scale_data.py [--structures 5000] [--sites 30000]

Adds, beside the demo (run `seed_demo` first; the 10 M responses come from
bench/generate_responses.py), in a few minutes on two cores:
- 40 networks and 5,000 labelled structures (codes `echelle-...`), each with 6 sites on
  average: 30,000 sites named after real French cities, with their postal codes (every
  department, Corsica and overseas included) and accents (Saint-Étienne, Nîmes...);
- a closed citizen campaign per structure with the overall answers of each site (rollups of
  one day: 30 to 400 answers a site, some below the minimum sample);
- 111,000 citizen reviews in every state: published (60 % answered, some masked), pending,
  rejected for each reason;
- a label history: 60 % of the structures decided (Bronze, Silver, Gold) with a certificate,
  some of them suspended, withdrawn or expired, plus refusals. These rows are written in bulk:
  they are not in the decision log (its chain only covers what the services wrote).

Everything is written with bulk inserts in batches, one transaction per step; a run resumes
after the steps an earlier run finished. A fixed seed gives the same data set every time.
PostgreSQL or SQLite (SQLite: use small numbers)."""

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from centres.models import Centre, CertificationBody, Network, Structure, User  # noqa: E402
from labelling.enums import ApplicationStatus, CertificateStatus, Outcome  # noqa: E402
from labelling.models import (  # noqa: E402
    Application,
    Certificate,
    Decision,
    Proposal,
    Referential,
)
from surveys.defaults import CITIZEN_CODE  # noqa: E402
from surveys.enums import RejectionReason, ReviewChannel, ReviewFeeling, ReviewState  # noqa: E402
from surveys.models import Campaign, DailyRollup, Question, Questionnaire, Review  # noqa: E402

PREFIX = "echelle"
KEPT = (Network, Structure, Centre)  # what later steps need again on a resumed run
BATCH = 5_000
# (city, postal code): a real city of each department or so, with its accents.
CITIES = [
    ("Bourg-en-Bresse", "01000"),
    ("Laon", "02000"),
    ("Moulins", "03000"),
    ("Digne-les-Bains", "04000"),
    ("Gap", "05000"),
    ("Nice", "06000"),
    ("Privas", "07000"),
    ("Charleville-Mézières", "08000"),
    ("Foix", "09000"),
    ("Troyes", "10000"),
    ("Carcassonne", "11000"),
    ("Rodez", "12000"),
    ("Marseille", "13001"),
    ("Aix-en-Provence", "13090"),
    ("Caen", "14000"),
    ("Aurillac", "15000"),
    ("Angoulême", "16000"),
    ("La Rochelle", "17000"),
    ("Bourges", "18000"),
    ("Tulle", "19000"),
    ("Ajaccio", "20000"),
    ("Bastia", "20200"),
    ("Dijon", "21000"),
    ("Saint-Brieuc", "22000"),
    ("Guéret", "23000"),
    ("Périgueux", "24000"),
    ("Besançon", "25000"),
    ("Valence", "26000"),
    ("Évreux", "27000"),
    ("Chartres", "28000"),
    ("Quimper", "29000"),
    ("Brest", "29200"),
    ("Nîmes", "30000"),
    ("Toulouse", "31000"),
    ("Auch", "32000"),
    ("Bordeaux", "33000"),
    ("Montpellier", "34000"),
    ("Béziers", "34500"),
    ("Rennes", "35000"),
    ("Châteauroux", "36000"),
    ("Tours", "37000"),
    ("Grenoble", "38000"),
    ("Lons-le-Saunier", "39000"),
    ("Mont-de-Marsan", "40000"),
    ("Blois", "41000"),
    ("Saint-Étienne", "42000"),
    ("Le Puy-en-Velay", "43000"),
    ("Nantes", "44000"),
    ("Orléans", "45000"),
    ("Cahors", "46000"),
    ("Agen", "47000"),
    ("Mende", "48000"),
    ("Angers", "49000"),
    ("Saint-Lô", "50000"),
    ("Reims", "51100"),
    ("Chaumont", "52000"),
    ("Laval", "53000"),
    ("Nancy", "54000"),
    ("Bar-le-Duc", "55000"),
    ("Vannes", "56000"),
    ("Metz", "57000"),
    ("Nevers", "58000"),
    ("Lille", "59000"),
    ("Roubaix", "59100"),
    ("Beauvais", "60000"),
    ("Alençon", "61000"),
    ("Arras", "62000"),
    ("Lens", "62300"),
    ("Clermont-Ferrand", "63000"),
    ("Pau", "64000"),
    ("Tarbes", "65000"),
    ("Perpignan", "66000"),
    ("Strasbourg", "67000"),
    ("Colmar", "68000"),
    ("Lyon", "69001"),
    ("Vesoul", "70000"),
    ("Mâcon", "71000"),
    ("Le Mans", "72000"),
    ("Chambéry", "73000"),
    ("Annecy", "74000"),
    ("Paris", "75001"),
    ("Paris", "75015"),
    ("Rouen", "76000"),
    ("Le Havre", "76600"),
    ("Melun", "77000"),
    ("Versailles", "78000"),
    ("Niort", "79000"),
    ("Amiens", "80000"),
    ("Albi", "81000"),
    ("Montauban", "82000"),
    ("Toulon", "83000"),
    ("Avignon", "84000"),
    ("La Roche-sur-Yon", "85000"),
    ("Poitiers", "86000"),
    ("Limoges", "87000"),
    ("Épinal", "88000"),
    ("Auxerre", "89000"),
    ("Belfort", "90000"),
    ("Évry-Courcouronnes", "91000"),
    ("Nanterre", "92000"),
    ("Bobigny", "93000"),
    ("Créteil", "94000"),
    ("Cergy", "95000"),
    ("Pointe-à-Pitre", "97110"),
    ("Fort-de-France", "97200"),
    ("Cayenne", "97300"),
    ("Saint-Denis", "97400"),
    ("Mamoudzou", "97600"),
]
NETWORKS = [
    "Caisses d'allocations familiales",
    "Finances publiques",
    "France Travail",
    "Assurance maladie",
    "Assurance retraite",
    "Préfectures",
    "France services",
    "Urssaf",
    "Mutualité sociale agricole",
    "Douanes",
    "Tribunaux judiciaires",
    "Services pénitentiaires d'insertion",
    "Caisses primaires",
    "Agence nationale des titres",
    "Centres des impôts fonciers",
    "Services de l'état civil",
    "Mairies",
    "Bibliothèques",
    "Consulats",
    "Offices de tourisme",
    "Points justice",
    "Maisons de l'emploi",
    "Missions locales",
    "Maisons départementales des personnes handicapées",
    "Centres communaux d'action sociale",
    "Caisses d'assurance retraite et de santé au travail",
    "Services des étrangers",
    "Directions départementales des territoires",
    "Agences de l'eau",
    "Parcs nationaux",
    "Musées nationaux",
    "Archives départementales",
    "Centres d'information et d'orientation",
    "Rectorats",
    "Universités",
    "Crous",
    "Hôpitaux publics",
    "Agences régionales de santé",
    "Services vétérinaires",
    "Centres de gestion de la fonction publique",
]
SITE_KINDS = ["Accueil", "Agence", "Antenne", "Point d'accueil", "Centre", "Permanence"]
TYPOLOGIES = ["Accueil physique", "Centre de contact téléphonique", "Accueil mixte"]
REVIEW_TEXTS = [
    "Accueil aimable, réponse claire à ma question.",
    "Attente un peu longue mais le conseiller a tout réglé.",
    "Je n'ai pas obtenu de réponse précise, déçu.",
    "Très bonne écoute, merci à l'agent d'accueil.",
    "Démarche simple, explications compréhensibles.",
    "Plusieurs appels avant d'avoir quelqu'un.",
]
REPLY = "Merci pour votre avis : nous l'avons partagé avec l'équipe et revu nos consignes."


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:40]


def networks_create(count: int) -> list[Network]:
    rows = [
        Network(code=f"{PREFIX}-{i:02d}", name=NETWORKS[i % len(NETWORKS)]) for i in range(count)
    ]
    return Network.objects.bulk_create(rows)


def structures_create(networks, count: int, rng) -> list[Structure]:
    rows = []
    for i in range(count):
        network = networks[i % len(networks)]
        city, _postal = CITIES[rng.randrange(len(CITIES))]
        rows.append(
            Structure(
                network=network,
                code=f"{PREFIX}-s{i:05d}",
                name=f"{network.name} — {city} {i}",
                typology=rng.choice(TYPOLOGIES),
            )
        )
    return Structure.objects.bulk_create(rows, batch_size=BATCH)


def centres_create(structures, count: int, rng) -> list[Centre]:
    rows = []
    for i in range(count):
        structure = structures[i % len(structures)]
        city, postal = CITIES[rng.randrange(len(CITIES))]
        kind = rng.choice(SITE_KINDS)
        rows.append(
            Centre(
                structure=structure,
                code=f"{PREFIX}-c{i:05d}-{_slug(city)}",
                name=f"{kind} {structure.network.name} de {city} n° {i}",
                city=city,
                postal_code=postal[:-1] + str(rng.randrange(10)) if postal[-1] == "0" else postal,
                agents_count=rng.randrange(3, 80),
            )
        )
    return Centre.objects.bulk_create(rows, batch_size=BATCH)


def campaigns_create(structures, centres, rng) -> int:
    """A closed citizen campaign per structure; each site's overall answers on one day."""
    questionnaire = Questionnaire.objects.get(code=CITIZEN_CODE, version=1)
    overall = Question.objects.filter(
        questionnaire=questionnaire, engagement_number=None, kind="satisfaction_4"
    ).first()
    start, end = date(2025, 1, 6), date(2025, 3, 28)
    campaigns = Campaign.objects.bulk_create(
        [
            Campaign(
                slug=f"{PREFIX}-{s.code[-5:]}-2025",
                name=f"Enquête usagers 2025 — {s.name}"[:200],
                questionnaire=questionnaire,
                structure=s,
                channel="phone",
                opens_on=start,
                closes_on=end,
            )
            for s in structures
        ],
        batch_size=BATCH,
    )
    by_structure = {c.structure_id: c for c in campaigns}
    through = Campaign.centres.through
    links, rollups = [], []
    for centre in centres:
        campaign = by_structure[centre.structure_id]
        links.append(through(campaign_id=campaign.pk, centre_id=centre.pk))
        n = rng.randrange(10, 400)
        very = int(n * rng.uniform(0.4, 0.8))
        rather = int((n - very) * 0.7)
        counts = {
            "very": very,
            "rather": rather,
            "rather_not": n - very - rather - 1,
            "not_at_all": 1,
        }
        for value, count in counts.items():
            if count > 0:
                rollups.append(
                    DailyRollup(
                        campaign_id=campaign.pk,
                        question_id=overall.pk,
                        centre_id=centre.pk,
                        day=start + timedelta(days=10),
                        value=value,
                        count=count,
                    )
                )
    through.objects.bulk_create(links, batch_size=BATCH)
    DailyRollup.objects.bulk_create(rollups, batch_size=BATCH)
    return len(rollups)


def _review(centre, rng, now) -> Review:
    roll = rng.random()
    submitted = now - timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(1440))
    fields = {
        "centre": centre,
        "experience": rng.choice(REVIEW_TEXTS),
        "feeling": rng.choice(ReviewFeeling.values),
        "channel": rng.choice(ReviewChannel.values),
        "submitted_at": submitted,
    }
    if roll < 0.70:  # published; 60 % of them answered, 5 % masked
        published = submitted + timedelta(hours=rng.randrange(1, 72))
        fields |= {
            "state": ReviewState.PUBLISHED,
            "published_at": published,
            "moderated_at": published,
        }
        if rng.random() < 0.05:
            fields |= {
                "experience": "Je suis [masqué], l'accueil a été parfait.",
                "is_masked": True,
            }
        if rng.random() < 0.60:
            fields |= {
                "reply": REPLY,
                "replied_at": published + timedelta(days=rng.randrange(0, 12)),
            }
    elif roll < 0.88:
        fields["state"] = ReviewState.PENDING
    else:
        reason = rng.choice(RejectionReason.values)
        fields |= {
            "state": ReviewState.REJECTED,
            "rejection_reason": reason,
            "moderated_at": submitted,
        }
        if reason == RejectionReason.PERSONAL_DATA:
            fields["experience"] = ""
    return Review(**fields)


def reviews_create(centres, count: int, rng) -> int:
    now = timezone.now()
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        Review.objects.bulk_create([_review(rng.choice(centres), rng, now) for _ in range(size)])
        written += size
    return written


LEVELS = [Outcome.BRONZE, Outcome.ARGENT, Outcome.OR]
LATER_STATUSES = [
    (0.80, ApplicationStatus.DECIDED),
    (0.88, ApplicationStatus.SUSPENDED),
    (0.94, ApplicationStatus.WITHDRAWN),
    (1.00, ApplicationStatus.EXPIRED),
]


def labels_create(structures, rng) -> int:
    """60 % of the structures decided (8 % of those refused), each with its certificate."""
    person = User.objects.filter(is_active=True).order_by("pk").first()
    body = CertificationBody.objects.order_by("pk").first()
    referential = Referential.objects.filter(status="active").order_by("-version").first()
    chosen = [s for s in structures if rng.random() < 0.60]
    now = timezone.now()
    plans = []
    for structure in chosen:
        decided_on = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 330))
        refused = rng.random() < 0.08
        status = next(s for limit, s in LATER_STATUSES if rng.random() <= limit)
        if refused:
            status = ApplicationStatus.DECIDED
        outcome = Outcome.REFUSED if refused else rng.choice(LEVELS)
        valid_until = None if refused else decided_on.replace(year=decided_on.year + 3)
        if status == ApplicationStatus.EXPIRED and valid_until:
            valid_until = timezone.localdate() - timedelta(days=rng.randrange(1, 30))
        plans.append((structure, decided_on, status, outcome, valid_until))
    applications = Application.objects.bulk_create(
        [
            Application(
                structure=s,
                cycle=2025,
                referential=referential,
                certification_body=body,
                survey_start=date(2024, 12, 1),
                survey_end=date(2025, 5, 31),
                status=status,
                outcome=outcome,
                valid_from=None if outcome == Outcome.REFUSED else decided_on,
                valid_until=valid_until,
                created_by=person,
            )
            for s, decided_on, status, outcome, valid_until in plans
        ],
        batch_size=BATCH,
    )
    scorecard = {"result": "bench", "rules": []}
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                application=a,
                outcome=a.outcome,
                motivation="Proposition du jeu de données d'échelle.",
                proposed_by=person,
                proposed_at=now,
                scorecard=scorecard,
            )
            for a in applications
        ],
        batch_size=BATCH,
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                application=a,
                proposal=p,
                outcome=a.outcome,
                motivation="Décision du jeu de données d'échelle.",
                decided_by=person,
                decided_on=a.valid_from or plan[1],
                decided_at=timezone.make_aware(datetime.combine(plan[1], datetime.min.time())),
                referential=referential,
                scorecard=scorecard,
                valid_from=a.valid_from,
                valid_until=a.valid_until,
            )
            for a, p, plan in zip(applications, proposals, plans, strict=True)
        ],
        batch_size=BATCH,
    )
    certificates = [
        Certificate(
            decision=d,
            number=f"SPP-ECH-{d.pk:06d}",
            status=CertificateStatus.READY,
            requested_at=d.decided_at,
        )
        for d in decisions
        if d.outcome != Outcome.REFUSED
    ]
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    return len(applications)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--networks", type=int, default=40)
    parser.add_argument("--structures", type=int, default=5_000)
    parser.add_argument("--sites", type=int, default=30_000)
    parser.add_argument("--reviews", type=int, default=111_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()

    def step(what: str, done, function, *arguments):
        """Run one step in its own transaction, unless an earlier run already did it."""
        if done.exists():
            print(f"{what}: already there", flush=True)
            return list(done) if hasattr(done, "model") and done.model in KEPT else None
        begun = time.monotonic()
        with transaction.atomic():
            result = function(*arguments)
        count = len(result) if isinstance(result, list) else result
        print(f"{what}: {count} in {time.monotonic() - begun:.1f} s", flush=True)
        return result

    mine = {"code__startswith": f"{PREFIX}-"}
    networks = step("networks", Network.objects.filter(**mine), networks_create, args.networks)
    structures = step(
        "structures",
        Structure.objects.filter(**mine).select_related("network").order_by("pk"),
        structures_create,
        networks,
        args.structures,
        rng,
    )
    centres = step(
        "sites",
        Centre.objects.filter(**mine).order_by("pk"),
        centres_create,
        structures,
        args.sites,
        rng,
    )
    step(
        "campaign rollups",
        Campaign.objects.filter(slug__startswith=f"{PREFIX}-"),
        campaigns_create,
        structures,
        centres,
        rng,
    )
    step(
        "reviews",
        Review.objects.filter(centre__code__startswith=f"{PREFIX}-"),
        reviews_create,
        centres,
        args.reviews,
        rng,
    )
    step(
        "label applications",
        Application.objects.filter(structure__code__startswith=f"{PREFIX}-"),
        labels_create,
        structures,
        rng,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"total: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
