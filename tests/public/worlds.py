"""Data builders for the public pages. Each takes an optional `world` and returns URL kwargs,
so the accessibility screens can use them too (tests/browser/test_accessibility.py)."""

from datetime import timedelta

from django.utils import timezone

from centres.models import Centre
from surveys.defaults import CITIZEN_CODE, default_questionnaires_seed
from surveys.models import Campaign, DailyRollup, Question, Questionnaire
from surveys.services.campaigns import campaign_create
from surveys.services.rollups import rollups_increment

PUBLISHED_SLUG = "usagers-publie"
LILLE = {"code": "lille"}


def figures_forget(code: str) -> dict:
    """Drop a centre's cached pages and figures (a page opened earlier must not hide the new
    state: the data is written here without the services that would say so)."""
    from centres.public_cache import public_cache_bump

    public_cache_bump([code])
    return {"code": code}


def published_campaign() -> Campaign:
    """A closed citizen campaign of the DGFiP platform: its results are public."""
    default_questionnaires_seed(Questionnaire, Question)
    existing = Campaign.objects.filter(slug=PUBLISHED_SLUG).first()
    if existing:
        return existing
    today = timezone.localdate()
    return campaign_create(
        slug=PUBLISHED_SLUG,
        name="Enquête usagers publiée",
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=Centre.objects.filter(structure__code="dgfip-pap"),
        channel="phone",
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=10),
    )


def answers_add(campaign: Campaign, centre: Centre, question_code: str, counts: dict) -> None:
    """Add answer counts to the rollups (the only thing the public pages read)."""
    question = Question.objects.get(questionnaire=campaign.questionnaire, code=question_code)
    rollups_increment(
        campaign_id=campaign.pk,
        centre_id=centre.pk,
        day=campaign.opens_on + timedelta(days=1),
        values=[(question.pk, value) for value in counts],
        counts=list(counts.values()),
    )


# Lille, hand-computed: e1 98/100 satisfied (net 96 %), e2 30/40 = 75 % (net 50 %),
# e3 n = 8 (insufficient), overall 98/100 = 98 % (net 96 %).
LILLE_COUNTS = {
    "e1": {"very": 84, "rather": 14, "rather_not": 2, "dont_know": 3},
    "e2": {"very": 20, "rather": 10, "not_at_all": 10},
    "e3": {"very": 5, "rather": 3},
    "overall": {"very": 84, "rather": 14, "rather_not": 1, "not_at_all": 1},
}


def lille_with_results(world=None) -> dict:
    campaign = published_campaign()
    lille = Centre.objects.get(code="lille")
    if not DailyRollup.objects.filter(campaign=campaign, centre=lille).exists():
        for code, counts in LILLE_COUNTS.items():
            answers_add(campaign, lille, code, counts)
    return figures_forget("lille")


def lens_with_a_small_sample(world=None) -> dict:
    """Lens: 8 answers to the overall question, below the minimum sample."""
    campaign = published_campaign()
    lens = Centre.objects.get(code="lens")
    if not DailyRollup.objects.filter(campaign=campaign, centre=lens).exists():
        answers_add(campaign, lens, "overall", {"very": 7, "rather_not": 1})
    return figures_forget("lens")


def labelled_structure(world) -> dict:
    """The DGFiP platform holds the Silver label (decided on 26 June 2025, valid 3 years)."""
    from labelling.models import Certificate

    from ..labelling.conftest import drive, ensure_default_referential, make_application

    ensure_default_referential()
    if not Certificate.objects.exists():
        drive(make_application(world.users), world.users, "decided")
    return figures_forget("tours")


def lille_actions(world=None) -> dict:
    """Lille publishes one action under way and one done; a third one stays private."""
    from tests.centres.factories import ActionFactory

    lille = Centre.objects.get(code="lille")
    if not lille.actions.exists():
        ActionFactory(centre=lille, title="Rappel sous 48 heures", published=True, in_progress=True)
        ActionFactory(centre=lille, title="Horaires affichés", published=True, done=True)
        ActionFactory(centre=lille, title="Projet interne non publié", in_progress=True)
    return LILLE


MASKED_ORIGINAL = "Je suis Jean Dupont, 06 12 34 56 78, l'accueil a été parfait."
MASKED_TEXT = "Je suis [masqué], l'accueil a été parfait."


def lille_reviews(world=None) -> dict:
    """Reviews of Lille in every state. Answer rate, hand-computed: the masked review was
    answered after 2 days (in time), the late one never (its week is over), the fresh one is
    still inside its week (not counted): 1 of 2."""
    from surveys.models import Review
    from surveys.services.reviews import review_publish, review_reject, review_reply, review_submit

    lille = Centre.objects.get(code="lille")
    if Review.objects.filter(centre=lille).exists():
        return LILLE
    now = timezone.now()

    def submitted(text, feeling="neutral", days_ago=0):
        return review_submit(
            centre=lille,
            experience=text,
            feeling=feeling,
            channel="phone",
            now=now - timedelta(days=days_ago, hours=2),
        )

    def published(review, days_ago, text=""):
        return review_publish(review=review, by=None, text=text, now=now - timedelta(days_ago))

    submitted("Avis en attente de modération.")
    review_reject(review=submitted("Avis rejeté, insultant."), by=None, reason="insult")
    masked = published(submitted(MASKED_ORIGINAL, "positive", 20), 20, text=MASKED_TEXT)
    review_reply(review=masked, by=None, text="Merci pour votre retour !", now=now - timedelta(18))
    published(submitted("Attente trop longue au téléphone.", "negative", 10), 10)
    published(submitted("Conseiller très clair.", "positive", 1), 1)
    return LILLE


def lille_in_full(world) -> dict:
    """Lille with results, a label, published actions and reviews."""
    labelled_structure(world)
    lille_with_results(world)
    lille_actions(world)
    lille_reviews(world)
    return figures_forget("lille")


def vesoul_with_nothing_published(world=None) -> dict:
    return figures_forget("vesoul")


def home_with_labels(world) -> dict:
    labelled_structure(world)
    return {}


def open_data_published(world=None) -> dict:
    lille_with_results(world)
    return {}
