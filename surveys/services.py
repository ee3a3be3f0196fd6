"""Writes of the surveys app: questionnaires, campaigns, invitations, responses and rollups."""

import dataclasses
import functools
import logging
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from centres.models import Centre, Structure

from .models import (
    AgentContact,
    Answer,
    Campaign,
    DailyRollup,
    Invitation,
    Question,
    Questionnaire,
    Response,
)
from .tokens import token_hash, token_new

logger = logging.getLogger(__name__)

INVITATION_BATCH_SIZE = 10_000
ROLLUP_SHARDS = 8


class InvitationError(Exception):
    """An invitation that cannot be answered; `status` is the HTTP status to show."""

    status = 400


class InvitationUnknown(InvitationError):
    status = 404


class InvitationUsed(InvitationError):
    status = 409


class InvitationExpired(InvitationError):
    status = 410


@dataclass(frozen=True)
class AnswerInput:
    """One validated answer: a scale value, or the text of a comment."""

    question: Question
    value: str = ""
    text: str = ""


# Questionnaires -------------------------------------------------------------------------------


def questionnaire_freeze(*, questionnaire: Questionnaire) -> None:
    """Freeze a questionnaire version: from now on, editing it means a new version."""
    if questionnaire.frozen_at is None:
        now = timezone.now()
        Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at__isnull=True).update(
            frozen_at=now
        )
        questionnaire.frozen_at = now


@dataclass(frozen=True)
class QuestionData:
    """One question of a version to create, as the form or a copy gives it (no position)."""

    code: str
    kind: str
    engagement_number: int | None
    required: bool
    text_fr: str
    text_en: str
    is_headline: bool = False

    @classmethod
    def of(cls, question: Question) -> "QuestionData":
        return cls(**{f.name: getattr(question, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class QuestionnaireChanges:
    """What a version changes in another one, question by question (matched by code)."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    reordered: bool

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)


def questionnaire_changes(
    before: Sequence[QuestionData], after: Sequence[QuestionData]
) -> QuestionnaireChanges:
    """The questions added, removed and changed (wording, kind, engagement...) by `after`."""
    old = {q.code: q for q in before}
    new = {q.code: q for q in after}
    common_old = [code for code in old if code in new]
    common_new = [code for code in new if code in old]
    return QuestionnaireChanges(
        added=[code for code in new if code not in old],
        removed=[code for code in old if code not in new],
        changed=[code for code in common_new if old[code] != new[code]],
        reordered=common_old != common_new,
    )


@transaction.atomic
def questionnaire_version_create(
    *, source: Questionnaire, questions: Sequence[QuestionData]
) -> Questionnaire:
    """Create the next version of the source's questionnaire with these questions, in order.

    The source and the campaigns that use it do not change; the new version is not frozen."""
    if not questions:
        raise ValueError("A questionnaire version needs at least one question.")
    # Lock every version of the code (not only the source: two versions may be derived from two
    # different sources at once), then read the highest number in a NEW statement, which sees
    # what a transaction we waited for committed. The unique (code, version) constraint stays
    # the last guard.
    list(
        Questionnaire.objects.select_for_update()
        .filter(code=source.code)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    latest = Questionnaire.objects.filter(code=source.code).aggregate(Max("version"))
    created = Questionnaire.objects.create(
        code=source.code,
        version=(latest["version__max"] or 0) + 1,
        audience=source.audience,
        name=source.name,
    )
    Question.objects.bulk_create(
        Question(questionnaire=created, position=position, **dataclasses.asdict(data))
        for position, data in enumerate(questions, start=1)
    )
    logger.info(
        "questionnaire_version_created code=%s version=%s source=%s questions=%s",
        created.code,
        created.version,
        source.pk,
        len(questions),
    )
    return created


def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copy a questionnaire and its questions into the next, editable version."""
    return questionnaire_version_create(
        source=questionnaire,
        questions=[QuestionData.of(q) for q in questionnaire.questions.all()],
    )


# Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    slug: str,
    name: str,
    questionnaire: Questionnaire,
    centres: Iterable[Centre],
    channel: str,
    opens_on: date,
    closes_on: date,
    link_validity_days: int = 14,
) -> Campaign:
    """Create a campaign on a structure's centres and freeze its questionnaire version."""
    centres = list(centres)
    if not centres:
        raise ValueError("A campaign needs at least one centre.")
    campaign = Campaign.objects.create(
        slug=slug,
        name=name,
        questionnaire=questionnaire,
        structure=centres[0].structure,
        channel=channel,
        opens_on=opens_on,
        closes_on=closes_on,
        link_validity_days=link_validity_days,
    )
    campaign.centres.set(centres)
    questionnaire_freeze(questionnaire=questionnaire)
    return campaign


def campaign_api_key_rotate(*, campaign: Campaign) -> str:
    """Give the campaign a new API key for the phone platform; return it (shown once)."""
    key = token_new() + token_new()
    campaign.api_key_hash = token_hash(key)
    campaign.save(update_fields=["api_key_hash"])
    return key


def campaign_can_close_early(campaign: Campaign, today: date) -> bool:
    """Only a running campaign that would close after today can be closed early."""
    return campaign.opens_on <= today < campaign.closes_on


def campaign_close_early(*, campaign: Campaign, today: date) -> int:
    """End a running campaign today; its unused links then expire with it (count returned).

    A link's expiry is fixed when it is issued (invitation_expiry): moving the closing day
    alone would leave the links issued earlier valid past it."""
    if not campaign_can_close_early(campaign, today):
        raise ValueError("Only a running campaign that closes after today can be closed early.")
    with transaction.atomic():
        campaign.closes_on = today
        campaign.save(update_fields=["closes_on"])
        end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        shortened = Invitation.objects.filter(
            campaign=campaign, used_on__isnull=True, expires_at__gt=end
        ).update(expires_at=end)
    logger.info("campaign_closed_early campaign=%s links=%s", campaign.slug, shortened)
    return shortened


# Invitations ----------------------------------------------------------------------------------


def invitation_expiry(*, campaign: Campaign, now: datetime) -> datetime:
    """Links live `link_validity_days`, and never past the end of the campaign's closing day."""
    end_of_campaign = timezone.make_aware(
        datetime.combine(campaign.closes_on + timedelta(days=1), time.min)
    )
    return min(now + timedelta(days=campaign.link_validity_days), end_of_campaign)


def invitations_issue(
    *,
    campaign: Campaign,
    count: int,
    centres: list[Centre] | None = None,
    batch_size: int = INVITATION_BATCH_SIZE,
) -> Iterator[tuple[Centre, str]]:
    """Issue `count` single-use links, spread over the centres; yield (centre, token) pairs.

    Each batch is committed in its own transaction before its tokens are yielded, so a token
    handed out always exists; tokens are never stored, only their hash."""
    centres = centres or list(campaign.centres.all()) or list(campaign.structure.centres.all())
    if not centres:
        raise ValueError("The campaign has no centre.")
    questionnaire_freeze(questionnaire=campaign.questionnaire)
    expires_at = invitation_expiry(campaign=campaign, now=timezone.now())
    issued = 0
    while issued < count:
        size = min(batch_size, count - issued)
        pairs = [(centres[(issued + i) % len(centres)], token_new()) for i in range(size)]
        with transaction.atomic():
            _invitations_insert(campaign_id=campaign.pk, expires_at=expires_at, pairs=pairs)
        issued += size
        logger.info("invitations_issued campaign=%s count=%s", campaign.slug, size)
        yield from pairs


def _invitations_insert(
    *, campaign_id: int, expires_at: datetime, pairs: list[tuple[Centre, str]]
) -> None:
    """Insert one batch of invitations: COPY on PostgreSQL (no ORM objects), else bulk_create."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Invitation._meta.db_table)
        columns = "(campaign_id, centre_id, token_hash, expires_at)"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for centre, token in pairs:
                    copy.write_row((campaign_id, centre.pk, token_hash(token), expires_at))
        return
    Invitation.objects.bulk_create(
        [
            Invitation(
                campaign_id=campaign_id,
                centre_id=centre.pk,
                token_hash=token_hash(token),
                expires_at=expires_at,
            )
            for centre, token in pairs
        ],
        batch_size=len(pairs),
    )


def invitation_for_token(token: str) -> Invitation:
    """The invitation a token opens, with campaign, questionnaire and structure; raise if not
    answerable."""
    sql, models = _invitation_read_plan()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(token)])
        row = cursor.fetchone()
    invitation = None
    if row is not None:
        invitation, campaign, questionnaire, structure = (
            model.from_db(connection.alias, names, _converted(row[start:end], converters))
            for model, names, start, end, converters in models
        )
        campaign.questionnaire, campaign.structure = questionnaire, structure
        invitation.campaign = campaign
    _check_answerable(invitation)
    return invitation


# Every GET and POST of the survey page reads its invitation. The SQL of that select_related()
# read is built once from the models' fields (with the ORM's value converters): compiling the
# same query on every request cost twice the CPU of running it.
@functools.cache
def _invitation_read_plan() -> tuple[str, list[tuple]]:
    qn = connection.ops.quote_name
    joins = ((Invitation, "i"), (Campaign, "c"), (Questionnaire, "q"), (Structure, "s"))
    columns, models, start = [], [], 0
    for model, alias in joins:
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{qn(field.column)}" for field in fields]
        converters = []
        for field in fields:
            column = field.get_col(alias)
            functions = connection.ops.get_db_converters(column)
            functions += field.get_db_converters(connection)
            converters.append([(function, column) for function in functions])
        names = [field.attname for field in fields]
        models.append((model, names, start, start + len(fields), converters))
        start += len(fields)
    table = {model: qn(model._meta.db_table) for model, _alias in joins}
    sql = (
        f"SELECT {', '.join(columns)} FROM {table[Invitation]} i "
        f"JOIN {table[Campaign]} c ON c.id = i.campaign_id "
        f"JOIN {table[Questionnaire]} q ON q.id = c.questionnaire_id "
        f"JOIN {table[Structure]} s ON s.id = c.structure_id "
        f"WHERE i.token_hash = %s"
    )
    return sql, models


def _converted(values: tuple, converters: list[list]) -> list:
    values = list(values)
    for n, functions in enumerate(converters):
        for function, column in functions:
            values[n] = function(values[n], column, connection)
    return values


# Questions of frozen questionnaire versions, per process: a frozen version never changes.
_FROZEN_QUESTIONS: dict[tuple, tuple[Question, ...]] = {}
_FROZEN_QUESTIONS_MAX = 64


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions of a questionnaire version, in order; read once per process when frozen."""
    if questionnaire.frozen_at is None:
        return list(questionnaire.questions.all())
    key = (questionnaire.pk, questionnaire.version, questionnaire.frozen_at)
    questions = _FROZEN_QUESTIONS.get(key)
    if questions is None:
        questions = tuple(questionnaire.questions.all())
        if len(_FROZEN_QUESTIONS) >= _FROZEN_QUESTIONS_MAX:
            _FROZEN_QUESTIONS.clear()
        _FROZEN_QUESTIONS[key] = questions
    return list(questions)


def _check_answerable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationUnknown
    if invitation.used_on is not None:
        raise InvitationUsed
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired


# Responses ------------------------------------------------------------------------------------


def response_submit(*, token: str, answers: list[AnswerInput]) -> Response:
    """Store an anonymous response, mark its link used and count it, all or nothing.

    The link is claimed by an UPDATE that marks it used and locks its row until the commit:
    concurrent submissions of one link wait, then find it used (InvitationUsed). The response
    keeps no trace of the invitation."""
    day, now = timezone.localdate(), timezone.now()
    if connection.vendor == "postgresql":
        stored = _response_insert_postgresql(token=token, answers=answers, day=day, now=now)
    else:
        with transaction.atomic():
            stored = _response_insert(token=token, answers=answers, day=day, now=now)
    if stored is None:
        _check_answerable(Invitation.objects.filter(token_hash=token_hash(token)).first())
        raise InvitationUsed  # answerable a moment ago: another submission claimed it
    response, campaign_slug = stored
    logger.info("response_stored campaign=%s centre=%s", campaign_slug, response.centre_id)
    return response


_RESPONSE_FIELDS = ["id", "campaign_id", "centre_id", "questionnaire_id", "day"]


def _response_insert(
    *, token: str, answers: list[AnswerInput], day: date, now: datetime
) -> tuple[Response, str] | None:
    """Claim the link, then insert the response, its answers and its rollups (any database)."""
    claimed = _invitation_claim(token=token, day=day, now=now)
    if claimed is None:
        return None
    campaign_id, centre_id, questionnaire_id, campaign_slug = claimed
    response = Response.objects.create(
        campaign_id=campaign_id, centre_id=centre_id, questionnaire_id=questionnaire_id, day=day
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=a.question, value=a.value, text=a.text) for a in answers
    )
    rollups_increment(
        campaign_id=campaign_id,
        centre_id=centre_id,
        day=day,
        values=[(a.question.pk, a.value) for a in answers if a.value],
    )
    return response, campaign_slug


def _invitation_claim(*, token: str, day: date, now: datetime) -> tuple | None:
    """Mark an answerable link used, in one UPDATE that also locks its row;
    (campaign id, centre id, questionnaire id, campaign slug), or None."""
    invitation = connection.ops.quote_name(Invitation._meta.db_table)
    campaign = connection.ops.quote_name(Campaign._meta.db_table)
    sql = (
        f"UPDATE {invitation} SET used_on = %s "
        f"WHERE token_hash = %s AND used_on IS NULL AND expires_at > %s "
        f"RETURNING campaign_id, centre_id, "
        f"(SELECT questionnaire_id FROM {campaign} WHERE id = {invitation}.campaign_id), "
        f"(SELECT slug FROM {campaign} WHERE id = {invitation}.campaign_id)"
    )
    params = [
        connection.ops.adapt_datefield_value(day),
        token_hash(token),
        connection.ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _response_insert_postgresql(
    *, token: str, answers: list[AnswerInput], day: date, now: datetime
) -> tuple[Response, str] | None:
    """_response_insert in ONE statement of data-modifying CTEs: claim the link, insert the
    response, its answers and its rollups. A single statement is atomic by itself: one round
    trip to the database instead of a transaction of six."""
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Invitation, Campaign, Response, Answer, DailyRollup)
    }
    params = {"day": day, "hash": token_hash(token), "now": now}
    ctes = [
        f"claimed AS (UPDATE {table[Invitation]} SET used_on = %(day)s "
        f"WHERE token_hash = %(hash)s AND used_on IS NULL AND expires_at > %(now)s "
        f"RETURNING campaign_id, centre_id)",
        f"stored AS (INSERT INTO {table[Response]} (campaign_id, centre_id, questionnaire_id, day) "
        f"SELECT claimed.campaign_id, claimed.centre_id, c.questionnaire_id, %(day)s "
        f"FROM claimed JOIN {table[Campaign]} c ON c.id = claimed.campaign_id "
        f"RETURNING id, campaign_id, centre_id, questionnaire_id, day)",
    ]
    if answers:
        rows = []
        for n, answer in enumerate(answers):
            params |= {f"q{n}": answer.question.pk, f"v{n}": answer.value, f"t{n}": answer.text}
            rows.append(f"(%(q{n})s, %(v{n})s, %(t{n})s)")
        ctes.append(
            f"answers AS (INSERT INTO {table[Answer]} (response_id, question_id, value, text) "
            f"SELECT stored.id, a.question_id, a.value, a.text "
            f"FROM stored, (VALUES {', '.join(rows)}) AS a (question_id, value, text))"
        )
    counted = [n for n, answer in enumerate(answers) if answer.value]
    if counted:
        params["shard"] = random.randrange(ROLLUP_SHARDS)
        rows = ", ".join(f"(%(q{n})s, %(v{n})s)" for n in counted)
        rollup = table[DailyRollup]
        # Always the same order of rows: two transactions never lock them in opposite orders.
        ctes.append(
            f"counted AS (INSERT INTO {rollup} "
            f"(campaign_id, question_id, centre_id, day, value, shard, count) "
            f"SELECT stored.campaign_id, r.question_id, stored.centre_id, %(day)s, r.value, "
            f"%(shard)s, 1 FROM stored, (VALUES {rows}) AS r (question_id, value) "
            f"ORDER BY r.question_id, r.value "
            f"ON CONFLICT (campaign_id, question_id, centre_id, day, value, shard) "
            f"DO UPDATE SET count = {rollup}.count + EXCLUDED.count)"
        )
    sql = (
        f"WITH {', '.join(ctes)} SELECT stored.*, "
        f"(SELECT slug FROM {table[Campaign]} WHERE id = stored.campaign_id) FROM stored"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Response.from_db(connection.alias, _RESPONSE_FIELDS, row[:5]), row[5]


def rollups_increment(
    *,
    campaign_id: int,
    centre_id: int,
    day: date,
    values: list[tuple[int, str]],
    counts: list[int] | None = None,
    shard: int | None = None,
) -> None:
    """Add to the daily counts in one INSERT ... ON CONFLICT DO UPDATE (PostgreSQL, SQLite)."""
    if not values:
        return
    counts = counts or [1] * len(values)
    shard = random.randrange(ROLLUP_SHARDS) if shard is None else shard
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    day_value = connection.ops.adapt_datefield_value(day)
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(values))
    params = []
    # Always the same order of rows: two transactions never lock them in opposite orders.
    for (question_id, value), count in sorted(zip(values, counts, strict=True)):
        params += [campaign_id, question_id, centre_id, day_value, value, shard, count]
    sql = (
        f"INSERT INTO {table} (campaign_id, question_id, centre_id, day, value, shard, count) "
        f"VALUES {rows} ON CONFLICT (campaign_id, question_id, centre_id, day, value, shard) "
        f"DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Rollup reconciliation ------------------------------------------------------------------------

RollupKey = tuple[int, int, int, date, str]


def rollups_recompute(*, campaign_ids: list[int] | None = None) -> dict[RollupKey, int]:
    """Recount answers per (campaign, question, centre, day, value) from the raw responses."""
    answers = Answer.objects.exclude(value="")
    if campaign_ids is not None:
        answers = answers.filter(response__campaign_id__in=campaign_ids)
    rows = (
        answers.values_list(
            "response__campaign_id", "question_id", "response__centre_id", "response__day", "value"
        )
        .annotate(total=Count("id"))
        .order_by()
    )
    return {tuple(row[:5]): row[5] for row in rows.iterator(chunk_size=10_000)}


def rollups_differences(
    *, campaign_ids: list[int] | None = None
) -> list[tuple[RollupKey, int, int]]:
    """(cell, stored count, recomputed count) for every cell where the rollups are wrong."""
    expected = rollups_recompute(campaign_ids=campaign_ids)
    stored_rows = DailyRollup.objects.all()
    if campaign_ids is not None:
        stored_rows = stored_rows.filter(campaign_id__in=campaign_ids)
    stored = {
        tuple(row[:5]): row[5]
        for row in stored_rows.values_list(
            "campaign_id", "question_id", "centre_id", "day", "value"
        )
        .annotate(total=Sum("count"))
        .order_by()
        .iterator(chunk_size=10_000)
    }
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key, 0) != stored.get(key, 0):
            differences.append((key, stored.get(key, 0), expected.get(key, 0)))
    return differences


# Agent e-mail invitations ---------------------------------------------------------------------


class ContactImportError(ValueError):
    """The uploaded list cannot be imported; the message says why (in French)."""


def agent_contacts_import(*, campaign: Campaign, centre: Centre, emails: list[str]) -> int:
    """Add agents' addresses to an agent campaign (duplicates ignored); return how many added."""
    from .enums import Audience

    if campaign.questionnaire.audience != Audience.AGENT:
        raise ContactImportError("not an agent campaign")
    with transaction.atomic():
        before = AgentContact.objects.filter(campaign=campaign).count()
        AgentContact.objects.bulk_create(
            [AgentContact(campaign=campaign, centre=centre, email=e.lower()) for e in emails],
            ignore_conflicts=True,
        )
        added = AgentContact.objects.filter(campaign=campaign).count() - before
    logger.info("agent_contacts_imported campaign=%s added=%s", campaign.slug, added)
    return added


def agent_invitation_send(*, contact_id: int, reminder: bool) -> bool:
    """E-mail one agent a fresh single-use link (first invitation, or reminder if unanswered).

    Idempotent: a contact is invited once and reminded once. A reminder gives the invitation
    a new token (only hashes are stored, so the old link cannot be re-sent) and the old link
    stops working."""
    with transaction.atomic():
        contact = (
            AgentContact.objects.select_for_update(of=("self",))
            .select_related("campaign", "invitation")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            return False
        today = timezone.localdate()
        if reminder:
            unanswered = contact.invitation and contact.invitation.used_on is None
            if not unanswered or contact.reminded_on or not contact.invited_on:
                return False
        elif contact.invited_on:
            return False
        campaign = contact.campaign
        token = token_new()
        expires_at = invitation_expiry(campaign=campaign, now=timezone.now())
        if contact.invitation:
            Invitation.objects.filter(pk=contact.invitation_id).update(
                token_hash=token_hash(token), expires_at=expires_at
            )
        else:
            contact.invitation = Invitation.objects.create(
                campaign=campaign,
                centre_id=contact.centre_id,
                token_hash=token_hash(token),
                expires_at=expires_at,
            )
        if reminder:
            contact.reminded_on = today
        else:
            contact.invited_on = today
        contact.save(update_fields=["invitation", "invited_on", "reminded_on"])
        # Sent inside the transaction: if the mail server refuses, nothing is marked and the
        # task can try again.
        _agent_mail(contact=contact, token=token, reminder=reminder)
    logger.info("agent_invitation_sent campaign=%s reminder=%s", campaign.slug, reminder)
    return True


def _agent_mail(*, contact: AgentContact, token: str, reminder: bool) -> None:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    context = {
        "campaign": contact.campaign,
        "url": settings.SITE_URL + reverse("surveys:answer", kwargs={"token": token}),
        "reminder": reminder,
        "expires_at": invitation_expiry(campaign=contact.campaign, now=timezone.now()),
    }
    subject = render_to_string("surveys/emails/agent_invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("surveys/emails/agent_invitation.txt", context),
        to=[contact.email],
    )
    message.attach_alternative(
        render_to_string("surveys/emails/agent_invitation.html", context), "text/html"
    )
    message.send()


def agent_contacts_purge(*, today: date) -> int:
    """Delete the agents' addresses of every campaign closed before today (data retention)."""
    deleted, _ = AgentContact.objects.filter(campaign__closes_on__lt=today).delete()
    logger.info("agent_contacts_purged count=%s", deleted)
    return deleted
