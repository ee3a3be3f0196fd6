"""Demo survey data: the 2025 DGFiP campaigns, reproducing the published figures.

Citizens: 98 % satisfied overall (84 % very, 14 % rather); agents: 77 % feel part of the
continuous-improvement approach. Answers are synthetic, spread over the 20 centres and the
campaign days; raw responses and their rollups are inserted in bulk, consistently (so
reconcile_rollups passes on demo data). They are dated the way the mixer dates them
(surveys.services.ballot): citizen answers by batches of at least k per centre and day,
agent answers on the campaign's first day."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre, Structure

from ..defaults import AGENT_CODE, CITIZEN_CODE, default_questionnaires_seed
from ..enums import DONT_KNOW, NOT_AT_ALL, RATHER, RATHER_NOT, VERY, Channel, QuestionKind
from ..models import Answer, Campaign, DailyRollup, Invitation, Question, Questionnaire, Response
from ..services.campaigns import campaign_create, invitations_issue
from ..tokens import token_hash, token_new
from .reviews import reviews_demo_seed

CITIZEN_SLUG = "usagers-2025"
AGENT_SLUG = "agents-2025"
# Open now, whenever the demo is seeded: a newcomer answers them from the links `make run`
# prints. They run from a week ago to a month ahead (moved on if the demo is seeded again later).
OPEN_CITIZEN_SLUG = "usagers-en-cours"
OPEN_AGENT_SLUG = "agents-en-cours"
OPEN_SINCE_DAYS, OPEN_FOR_DAYS = 7, 30
# Links issued but never answered, beyond one per response (the share a campaign loses).
UNANSWERED_LINKS_SHARE = 0.25
CITIZEN_RESPONSES = 4000
# Overall question, exactly: 84 % very, 14 % rather, 2 % dissatisfied.
CITIZEN_OVERALL = {VERY: 3360, RATHER: 560, RATHER_NOT: 60, NOT_AT_ALL: 20}
# Agents, exactly 77 % involved; one small centre shows the k-anonymity suppression.
AGENT_HEADLINE = {VERY: 185, RATHER: 277, RATHER_NOT: 98, NOT_AT_ALL: 40}
# Citizen sheets per demo batch (the mixer's batches are at least k = 5; a centre's last
# batch takes what is left, at least 5 with the demo's 200 answers per centre).
BATCH = 8
OTHER_QUESTION_WEIGHTS = {VERY: 78, RATHER: 16, RATHER_NOT: 3, NOT_AT_ALL: 1, DONT_KNOW: 2}


def _deal(values: list[str], centres: list[Centre], rng: random.Random, small: int = 0):
    """Split shuffled values over the centres with uneven sizes; the last centre gets `small`."""
    rng.shuffle(values)
    weights = [rng.uniform(0.7, 1.3) for _ in centres[:-1]] if small else []
    if not small:
        weights = [rng.uniform(0.7, 1.3) for _ in centres]
    available = len(values) - small
    sizes = [int(available * w / sum(weights)) for w in weights]
    sizes[0] += available - sum(sizes)
    if small:
        sizes.append(small)
    start = 0
    for centre, size in zip(centres, sizes, strict=True):
        yield centre, values[start : start + size]
        start += size


def _links_insert(campaign: Campaign, sheets: list[tuple[Centre, date, dict]]) -> None:
    """The links the campaign issued: one used per response (a flag, no day, and no way back
    from the response to it), and a quarter more never used, so that « Liens émis » adds up."""
    expires_at = timezone.make_aware(datetime.combine(campaign.closes_on, time.max))
    per_centre = Counter(centre.pk for centre, _day, _answers in sheets)
    links = [
        Invitation(
            campaign=campaign,
            centre_id=centre_id,
            token_hash=token_hash(token_new()),
            expires_at=expires_at,
            used=True,
        )
        for centre_id, count in per_centre.items()
        for _ in range(count)
    ]
    links += [
        Invitation(
            campaign=campaign,
            centre_id=centre_id,
            token_hash=token_hash(token_new()),
            expires_at=expires_at,
        )
        for centre_id, count in per_centre.items()
        for _ in range(round(count * UNANSWERED_LINKS_SHARE))
    ]
    Invitation.objects.bulk_create(links, batch_size=5000)


def _insert(campaign: Campaign, sheets: list[tuple[Centre, date, dict]]) -> None:
    """Insert responses, answers and the matching rollups in bulk, and the links behind them."""
    _links_insert(campaign, sheets)
    responses = Response.objects.bulk_create(
        [
            Response(
                campaign=campaign,
                centre=centre,
                questionnaire_id=campaign.questionnaire_id,
                day=day,
            )
            for centre, day, _answers in sheets
        ],
        batch_size=2000,
    )
    answers, cells = [], Counter()
    for response, (centre, day, values) in zip(responses, sheets, strict=True):
        for question, value in values.items():
            answers.append(Answer(response_id=response.pk, question=question, value=value))
            cells[(question.pk, centre.pk, day, value)] += 1
    Answer.objects.bulk_create(answers, batch_size=5000)
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                campaign=campaign,
                question_id=question_id,
                centre_id=centre_id,
                day=day,
                value=value,
                count=count,
            )
            for (question_id, centre_id, day, value), count in cells.items()
        ],
        batch_size=5000,
    )


def _campaign(slug, name, code, centres, opens_on, closes_on) -> Campaign | None:
    if Campaign.objects.filter(slug=slug).exists():
        return None
    return campaign_create(
        slug=slug,
        name=name,
        questionnaire=Questionnaire.objects.get(code=code, version=1),
        centres=centres,
        channel=Channel.PHONE,
        opens_on=opens_on,
        closes_on=closes_on,
    )


@transaction.atomic
def surveys_demo_seed(*, structure: Structure) -> None:
    """Add the 2025 citizen and agent campaigns with their synthetic answers, and citizen
    reviews in every state (idempotent)."""
    default_questionnaires_seed(Questionnaire, Question)
    rng = random.Random(2025)
    centres = list(structure.centres.order_by("code"))
    citizen = _campaign(
        CITIZEN_SLUG,
        "Enquête usagers 2025",
        CITIZEN_CODE,
        centres,
        date(2025, 1, 6),
        date(2025, 5, 30),
    )
    if citizen:
        questions = list(citizen.questionnaire.questions.exclude(kind=QuestionKind.COMMENT))
        overall = next(q for q in questions if q.engagement_number is None)
        others = [q for q in questions if q is not overall]
        days = (citizen.closes_on - citizen.opens_on).days + 1
        pool = [value for value, count in CITIZEN_OVERALL.items() for _ in range(count)]
        sheets = []
        for centre, values in _deal(pool, centres, rng):
            for n, value in enumerate(values):
                if n % BATCH == 0 and len(values) - n >= BATCH:  # a mixer batch: one day
                    day = citizen.opens_on + timedelta(days=rng.randrange(days))
                answers = {overall: value}
                for question in others:
                    answers[question] = rng.choices(
                        list(OTHER_QUESTION_WEIGHTS), list(OTHER_QUESTION_WEIGHTS.values())
                    )[0]
                sheets.append((centre, day, answers))
        _insert(citizen, sheets)
    agent = _campaign(
        AGENT_SLUG,
        "Enquête agents 2025",
        AGENT_CODE,
        centres,
        date(2025, 2, 3),
        date(2025, 2, 28),
    )
    if agent:
        headline = agent.questionnaire.questions.get(is_headline=True)
        pool = [value for value, count in AGENT_HEADLINE.items() for _ in range(count)]
        sheets = [
            (centre, agent.opens_on, {headline: value})
            for centre, values in _deal(pool, centres, rng, small=3)
            for value in values
        ]
        _insert(agent, sheets)
    _open_campaigns_seed(centres)
    reviews_demo_seed(structure=structure)


def _open_campaigns_seed(centres: list[Centre]) -> None:
    """A citizen and an agent campaign open today (no answer yet: the newcomer's comes first)."""
    today = timezone.localdate()
    opens_on, closes_on = today - timedelta(days=OPEN_SINCE_DAYS), today + timedelta(OPEN_FOR_DAYS)
    for slug, name, code in (
        (OPEN_CITIZEN_SLUG, "Enquête usagers en cours", CITIZEN_CODE),
        (OPEN_AGENT_SLUG, "Enquête agents en cours", AGENT_CODE),
    ):
        if _campaign(slug, name, code, centres, opens_on, closes_on) is None:
            # Seeded on an earlier day: keep it open from today on.
            Campaign.objects.filter(slug=slug, closes_on__lt=closes_on).update(closes_on=closes_on)


def demo_links_issue() -> dict[str, str]:
    """A ready single-use link of each open demo campaign (Lille), as paths: {slug: path}."""
    lille = Centre.objects.filter(code="lille")
    links = {}
    for slug in (OPEN_CITIZEN_SLUG, OPEN_AGENT_SLUG):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            continue
        [(_centre, token)] = invitations_issue(campaign=campaign, count=1, centres=list(lille))
        links[slug] = reverse("surveys:answer", kwargs={"token": token})
    return links
