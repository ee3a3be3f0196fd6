"""Demo citizen reviews: several centres, reviews in every state, dates relative to today.

Per centre: one awaiting moderation, rejected ones (an insult, personal data, another
service), published ones answered in time, answered late, late without a reply, and recent ones
still within their week; one published with its personal data masked. The clock's bookkeeping
(reminders, breach) is written as the hourly job would have, without sending e-mails."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from centres.enums import ActionStatus, Role
from centres.models import Action, Centre, RoleAssignment, Structure, User

from ..enums import RejectionReason, ReviewChannel, ReviewFeeling
from ..models import Review
from ..services.reviews import (
    DAY3,
    DAY5,
    review_publish,
    review_reject,
    review_reply,
    review_submit,
)

DEMO_CENTRES = ("lille", "angers", "tours", "montpellier", "lens", "amiens")

POSITIVE = ReviewFeeling.POSITIVE
NEUTRAL = ReviewFeeling.NEUTRAL
NEGATIVE = ReviewFeeling.NEGATIVE

# (days ago submitted, feeling, channel, text, outcome); outcome is one of:
# ("pending",), ("rejected", reason), ("published", days after submission, reply delay in days
# or None, masked text or "").
REVIEWS = [
    (
        30,
        POSITIVE,
        ReviewChannel.PHONE,
        "Conseillère très patiente qui m'a aidé à corriger ma déclaration en ligne. "
        "Attente de 4 minutes seulement.",
        ("published", 1, 2, ""),
    ),
    (
        26,
        NEGATIVE,
        ReviewChannel.PHONE,
        "J'ai appelé trois fois pour la même question sur mon prélèvement à la source et "
        "j'ai eu trois réponses différentes.",
        ("published", 1, 4, ""),
    ),
    (
        24,
        NEUTRAL,
        ReviewChannel.ONLINE,
        "Réponse correcte par la messagerie sécurisée, mais il a fallu relancer au bout "
        "d'une semaine.",
        ("published", 2, 10, ""),
    ),
    (
        21,
        NEGATIVE,
        ReviewChannel.PHONE,
        "Le conseiller, M. Jean Dupont, m'a demandé de rappeler au 06 12 34 56 78, personne "
        "n'a jamais répondu.",
        (
            "published",
            1,
            3,
            "Le conseiller m'a demandé de rappeler un autre numéro [masqué], "
            "personne n'a jamais répondu.",
        ),
    ),
    (
        14,
        NEGATIVE,
        ReviewChannel.PHONE,
        "Impossible de joindre quelqu'un entre 12 h et 14 h, la ligne sonne dans le vide.",
        ("published", 1, None, ""),
    ),
    (
        5,
        POSITIVE,
        ReviewChannel.COUNTER,
        "Rendez-vous à l'accueil tenu à l'heure, explications claires sur ma taxe foncière.",
        ("published", 1, None, ""),
    ),
    (
        2,
        NEUTRAL,
        ReviewChannel.PHONE,
        "On m'a bien renseigné mais le délai de rappel annoncé (48 heures) n'a pas été tenu.",
        ("published", 0, None, ""),
    ),
    (
        1,
        POSITIVE,
        ReviewChannel.EMAIL,
        "Merci pour la réponse rapide à mon courriel concernant mon avis d'imposition.",
        ("pending",),
    ),
    (
        6,
        NEGATIVE,
        ReviewChannel.PHONE,
        "Service lamentable, des incapables du premier au dernier.",
        ("rejected", RejectionReason.INSULT),
    ),
    (
        4,
        NEUTRAL,
        ReviewChannel.PHONE,
        "Mon numéro fiscal est le 1234567890123, merci de me rappeler au sujet de mon dossier.",
        ("rejected", RejectionReason.PERSONAL_DATA),
    ),
    (
        3,
        NEGATIVE,
        ReviewChannel.OTHER,
        "Ma carte grise n'est toujours pas arrivée après deux mois.",
        ("rejected", RejectionReason.OUT_OF_SCOPE),
    ),
]

REPLY = (
    "Merci pour votre retour. Nous l'avons partagé avec l'équipe et revu nos consignes de "
    "réponse sur ce point. N'hésitez pas à nous rappeler si besoin."
)


def _first_user(role: str, **scope) -> User | None:
    assignment = RoleAssignment.objects.filter(role=role, **scope).select_related("user").first()
    return assignment.user if assignment else None


def _clock_history(review: Review, until: datetime) -> None:
    """Write the reminders and breach the hourly job would have recorded up to `until`."""
    end = review.replied_at or until
    fields = {}
    for days, name in ((DAY3, "reminded_day3_at"), (DAY5, "reminded_day5_at")):
        moment = review.published_at + timedelta(days=days)
        if moment <= end:
            fields[name] = moment
    if review.deadline <= end:
        fields["breached_at"] = review.deadline
    if fields:
        Review.objects.filter(pk=review.pk).update(**fields)


def _seed_centre(centre: Centre, index: int, now: datetime) -> None:
    moderator = _first_user(Role.CORRESPONDENT, network_id=centre.structure.network_id)
    referent = _first_user(Role.REFERENT, centre=centre)
    action = (
        Action.objects.filter(centre=centre, is_published=True)
        .exclude(status=ActionStatus.ABANDONED)
        .first()
    )
    # Each centre gets most of the reviews, shifted by a few hours so that the lists differ.
    for days_ago, feeling, channel, text, outcome in REVIEWS[index % 2 :]:
        submitted = now - timedelta(days=days_ago, hours=index * 3)
        review = review_submit(
            centre=centre, experience=text, feeling=feeling, channel=channel, now=submitted
        )
        if outcome[0] == "rejected":
            review_reject(
                review=review, by=moderator, reason=outcome[1], now=submitted + timedelta(hours=5)
            )
        elif outcome[0] == "published":
            _, delay, reply_delay, masked = outcome
            published = submitted + timedelta(days=delay, hours=2)
            review = review_publish(review=review, by=moderator, text=masked, now=published)
            if reply_delay is not None:
                review = review_reply(
                    review=review,
                    by=referent,
                    text=REPLY,
                    action=action if reply_delay <= 2 else None,
                    now=published + timedelta(days=reply_delay, hours=1),
                )
            _clock_history(review, now)


@transaction.atomic
def reviews_demo_seed(*, structure: Structure, now: datetime | None = None) -> int:
    """Citizen reviews in every state for a few centres of the structure (idempotent)."""
    if Review.objects.filter(centre__structure=structure).exists():
        return 0
    now = now or timezone.now()
    centres = list(structure.centres.filter(code__in=DEMO_CENTRES).order_by("code"))
    for index, centre in enumerate(centres):
        _seed_centre(centre, index, now)
    return Review.objects.filter(centre__structure=structure).count()
