"""The ballot box: sealed answer sheets wait in a holding table until the mixer counts them.

Why: every row a PostgreSQL transaction writes carries that transaction's id (`xmin`), and rows
written together sit next to each other (`ctid`, ids). A submission that wrote the link's
"used" mark and the response in one transaction would let anyone who reads the tables join
an agent's e-mail -> link -> answer sheet. So:

- the request claims the link (used, and pending for the mixer) and drops the sheet into the
  holding table (`Ballot`: campaign, centre, answers; no link, no date), in one short
  transaction committed before the reply: nothing acknowledged is lost;
- the mixer (`ballots_mix`, Celery beat every minute and at the close) takes, per campaign and
  centre, a batch of at least k sheets (all from different links: one sheet per link), shuffles
  them, writes their responses, answers and rollups, deletes them from the box and rewrites
  every link of that centre claimed since its previous batch, all in ONE transaction. A
  response then shares its writing transaction, its neighbourhood and its attributes
  (campaign, centre, day) with at least k links and k responses. Comments are masked on the
  way (surveys.masking): only the masked text is ever stored in a response.

The rule for batches (k = settings.SURVEY_K_ANONYMITY, 5):
- while the campaign runs, a centre's sheets are mixed once 2k of them wait; the k newest stay
  in the box, so that the last batch at the close is never smaller than k;
- once the campaign is over (its links have all expired), everything a centre has left is
  mixed if it is k or more; fewer than k sheets (a centre that had fewer than k in all) are
  destroyed unread, their number kept in `Campaign.ballots_discarded`.

The mixer is idempotent (a run with nothing to do changes nothing) and all-or-nothing per
batch: a worker killed mid-batch rolls back, the sheets stay in the box for the next run.
"""

import functools
import json
import logging
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from ..anonymity import k_anonymity
from ..enums import Audience
from ..masking import mask_personal_data
from ..models import Answer, Ballot, Campaign, Invitation, MaskedName, Response
from ..tokens import token_hash
from .rollups import rollups_increment, rollups_unseal

logger = logging.getLogger(__name__)

_shuffle = random.SystemRandom().shuffle


# Casting a sheet (the request) ------------------------------------------------------------------


def ballot_cast(*, token: str, sheet: list[tuple[int, str, str]], now: datetime) -> str | None:
    """Claim the link and drop its sheet into the box, in one transaction; return the
    campaign's slug, or None if the link could not be claimed (unknown, used or expired).

    The claim is one UPDATE (not used yet, not expired) that also locks the link's row until
    the commit: a concurrent submission of the same link waits, then finds it used."""
    with transaction.atomic():
        claimed = _invitation_claim(token=token, now=now)
        if claimed is None:
            return None
        campaign_id, centre_id, campaign_slug = claimed
        _ballot_insert(campaign_id=campaign_id, centre_id=centre_id, sheet=json.dumps(sheet))
    return campaign_slug


# The two statements are written once (the ORM would compile them again at each submission);
# the INSERT has no RETURNING: nothing reads the sheet's id.
@functools.cache
def _ballot_insert_sql() -> str:
    table = connection.ops.quote_name(Ballot._meta.db_table)
    return f"INSERT INTO {table} (campaign_id, centre_id, sheet) VALUES (%s, %s, %s)"


def _ballot_insert(*, campaign_id: int, centre_id: int, sheet: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_ballot_insert_sql(), [campaign_id, centre_id, sheet])


@functools.cache
def _invitation_claim_sql() -> str:
    invitation = connection.ops.quote_name(Invitation._meta.db_table)
    campaign = connection.ops.quote_name(Campaign._meta.db_table)
    return (
        f"UPDATE {invitation} SET used = %s, mix_pending = %s "
        f"WHERE token_hash = %s AND used = %s AND expires_at > %s "
        f"RETURNING campaign_id, centre_id, "
        f"(SELECT slug FROM {campaign} WHERE id = {invitation}.campaign_id)"
    )


def _invitation_claim(*, token: str, now: datetime) -> tuple | None:
    """(campaign id, centre id, campaign slug) of the link just claimed, or None."""
    params = [True, True, token_hash(token), False, connection.ops.adapt_datetimefield_value(now)]
    with connection.cursor() as cursor:
        cursor.execute(_invitation_claim_sql(), params)
        return cursor.fetchone()


# Mixing (Celery beat, the close) ------------------------------------------------------------------


@dataclass
class MixReport:
    batches: int = 0
    mixed: int = 0
    discarded: int = 0


def campaign_is_over(campaign: Campaign, now: datetime) -> bool:
    """No link of the campaign can be answered any more (they expire with its closing day)."""
    end = timezone.make_aware(datetime.combine(campaign.closes_on + timedelta(days=1), time.min))
    return now >= end


def ballots_mix(*, now: datetime | None = None, campaign_ids: list[int] | None = None) -> MixReport:
    """Mix every campaign and centre with enough sheets waiting, one transaction a batch."""
    now = now or timezone.now()
    waiting = Ballot.objects.order_by().values_list("campaign_id", "centre_id").distinct()
    if campaign_ids is not None:
        waiting = waiting.filter(campaign_id__in=campaign_ids)
    report = MixReport()
    for campaign_id, centre_id in sorted(set(waiting)):
        mixed, discarded = _centre_mix(campaign_id=campaign_id, centre_id=centre_id, now=now)
        report.batches += 1 if mixed else 0
        report.mixed += mixed
        report.discarded += discarded
    return report


def ballots_waiting(*, campaign: Campaign) -> int:
    """How many sheets of a campaign wait in the box (« en attente de dépouillement »)."""
    return Ballot.objects.filter(campaign=campaign).count()


@transaction.atomic
def _centre_mix(*, campaign_id: int, centre_id: int, now: datetime) -> tuple[int, int]:
    """One batch of a campaign's centre: (sheets mixed, sheets discarded)."""
    # The campaign's row lock serialises mixers (and the nightly seal) of one campaign.
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("questionnaire")
        .get(pk=campaign_id)
    )
    ballots = list(
        Ballot.objects.filter(campaign_id=campaign_id, centre_id=centre_id).order_by("pk")
    )
    taken, discarded = _batch(ballots, k=k_anonymity(), over=campaign_is_over(campaign, now))
    if not taken and not discarded:
        return 0, 0
    if taken:
        _shuffle(taken)
        _responses_write(campaign=campaign, centre_id=centre_id, ballots=taken, now=now)
    Ballot.objects.filter(pk__in=[b.pk for b in taken + discarded]).delete()
    claimed = Invitation.objects.filter(campaign_id=campaign_id, centre_id=centre_id)
    claimed.filter(mix_pending=True).update(mix_pending=False)
    if discarded:
        campaign.ballots_discarded += len(discarded)
        campaign.save(update_fields=["ballots_discarded"])
    logger.info(
        "ballots_mixed campaign=%s mixed=%s discarded=%s", campaign.slug, len(taken), len(discarded)
    )
    return len(taken), len(discarded)


def _batch(ballots: list[Ballot], *, k: int, over: bool) -> tuple[list[Ballot], list[Ballot]]:
    """(sheets to count now, sheets to destroy unread) under the batch rule (module doc)."""
    if over:
        return (ballots, []) if len(ballots) >= k else ([], ballots)
    if len(ballots) < 2 * k:
        return [], []
    return ballots[: len(ballots) - k], []


def response_day(campaign: Campaign, now: datetime) -> date:
    """The only date a response carries: the day it is counted for citizens (the closing day
    for the last batch, counted after it), the campaign's first day for agents (their results
    exist only over the whole campaign)."""
    if campaign.questionnaire.audience == Audience.AGENT:
        return campaign.opens_on
    return min(timezone.localdate(now), campaign.closes_on)


def _responses_write(
    *, campaign: Campaign, centre_id: int, ballots: list[Ballot], now: datetime
) -> None:
    """Responses, answers and rollups of a shuffled batch, in the batch's order."""
    day = response_day(campaign, now)
    names = list(MaskedName.objects.filter(centre_id=centre_id).values_list("name", flat=True))
    responses = Response.objects.bulk_create(
        Response(
            campaign_id=campaign.pk,
            centre_id=centre_id,
            questionnaire_id=campaign.questionnaire_id,
            day=day,
        )
        for _ballot in ballots
    )
    answers, counted = [], Counter()
    for response, ballot in zip(responses, ballots, strict=True):
        for question_id, value, text in json.loads(ballot.sheet):
            text = mask_personal_data(text, names)  # the original is not kept
            answers.append(
                Answer(response_id=response.pk, question_id=question_id, value=value, text=text)
            )
            if value:
                counted[(question_id, value)] += 1
    Answer.objects.bulk_create(answers, batch_size=5000)
    if campaign.rollups_sealed_through is not None and day <= campaign.rollups_sealed_through:
        rollups_unseal(campaign_id=campaign.pk)  # the nightly seal writes the totals again
    cells = sorted(counted)
    rollups_increment(
        campaign_id=campaign.pk,
        centre_id=centre_id,
        day=day,
        values=cells,
        counts=[counted[cell] for cell in cells],
    )
