"""Answering a survey: the invitation a token opens, the questions of its version, and the
submission of an answer sheet."""

import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from centres.models import Structure

from ..models import Campaign, Invitation, Question, Questionnaire
from ..tokens import token_hash
from .ballot import ballot_cast

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
    if invitation.used:
        raise InvitationUsed
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired


# Submission -----------------------------------------------------------------------------------


def response_submit(*, token: str, answers: list[AnswerInput]) -> str:
    """Claim the link and drop the sealed sheet into the ballot box (surveys.services.ballot),
    committed before this returns; return the campaign's slug.

    The one submission path, the same on every database. The sheet becomes a response when
    the mixer counts it in a batch of at least k; the link keeps only a used flag."""
    sheet = [(a.question.pk, a.value, a.text) for a in answers]
    slug = ballot_cast(token=token, sheet=sheet, now=timezone.now())
    if slug is None:
        _check_answerable(Invitation.objects.filter(token_hash=token_hash(token)).first())
        raise InvitationUsed  # answerable a moment ago: another submission claimed it
    logger.info("ballot_cast campaign=%s", slug)
    if settings.SURVEY_MIX_ON_SUBMIT:
        from ..tasks import mix_ballots

        mix_ballots.delay_on_commit()
    return slug
