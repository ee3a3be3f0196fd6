"""Answering a survey: the invitation a token opens, the questions of its version, and the
submission of an answer sheet."""

import functools
import logging
import random
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from centres.models import Structure

from ..models import (
    Answer,
    Campaign,
    DailyRollup,
    Invitation,
    Question,
    Questionnaire,
    Response,
)
from ..tokens import token_hash
from .rollups import ROLLUP_SHARDS, rollups_increment

logger = logging.getLogger(__name__)


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
