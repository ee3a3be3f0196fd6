"""Importing the anonymous answer sheets of a campaign run by an outside institute.

The file (CSV or XLSX) has one line per answer sheet: `code_centre`, `date` (dd/mm/yyyy or
yyyy-mm-dd), one column per question code of the campaign's questionnaire version, values in
its scale (the codes, « very », or their French labels, « Très satisfait »), and the optional
comment under the comment question's code. The whole file is checked first (every error named
by line and column, in French); then, all or nothing, the sheets are written as anonymous
responses (no link, no time: a centre and a day, as an answered sheet), the daily rollups are
incremented in the same transaction, and the import is logged (file, SHA-256, uploader): the
campaign is then « importée ».

`sheets_write` is the ONE function that writes sheets: a change of how answered sheets become
responses (a ballot box, a mixer...) is made there."""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.forms.common import FORBIDDEN_CHARACTERS
from centres.tabular import TabularError, column_positions, read_table

from ..enums import Audience, QuestionKind, choices_for
from ..masking import mask_personal_data
from ..models import COMMENT_MAX_LENGTH, Answer, Campaign, Response, SurveyImport
from .answering import questionnaire_questions
from .rollups import rollups_increment, rollups_unseal

CENTRE_COLUMN = "code_centre"
DATE_COLUMN = "date"
MAX_SHEETS = 200_000
MAX_ERRORS_SHOWN = 200
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_WORD = re.compile(r"\s+")


class ImportRefused(Exception):
    """The campaign cannot take an import (already imported, or answered through links)."""


@dataclass
class Sheet:
    centre_id: int
    day: date
    answers: list[tuple[int, str, str]]  # (question id, value, comment text)


@dataclass
class SurveyImportPlan:
    """What the file would import (the preview), or its errors; nothing is written yet."""

    sheets: list[Sheet] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    per_centre: Counter = field(default_factory=Counter)  # centre name -> sheets

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)

    @property
    def centre_rows(self) -> list[tuple[str, int]]:
        """(centre name, sheets), most sheets first (a Counter confuses the templates)."""
        return self.per_centre.most_common()

    @property
    def hidden_errors(self) -> int:
        return self.error_count - len(self.errors)


def _error(line: int, column: str, message: str) -> str:
    return _("Line %(line)s, column « %(column)s »: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _normalised(text: str) -> str:
    """Compared without case, inner spaces, curly apostrophes or « (e) »."""
    text = text.strip().lower().replace("’", "'").replace("(e)", "")
    return _WORD.sub(" ", text).strip()


def _value_readers(questions) -> dict[int, dict[str, str]]:
    """For each rated question, what a cell may say (its codes and French labels) -> the code."""
    readers = {}
    for question in questions:
        if question.kind == QuestionKind.COMMENT:
            continue
        accepted = {}
        for language in ("fr", "en"):
            with translation.override(language):
                for value, label in choices_for(question.kind):
                    accepted[_normalised(value)] = value
                    accepted[_normalised(str(label))] = value
        readers[question.pk] = accepted
    return readers


def _day(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text[:10] if "-" in text else text, pattern).date()
        except ValueError:
            continue
    return None


class _Checker:
    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.questions = questionnaire_questions(campaign.questionnaire)
        self.readers = _value_readers(self.questions)
        centres = campaign.centres.all() or campaign.structure.centres.all()
        self.centres = {c.code: c for c in centres}
        self.plan = SurveyImportPlan()
        self.today = timezone.localdate()

    def header(self, header: list[str]) -> dict[str, int]:
        optional = [
            q.code for q in self.questions if not q.required or q.kind == QuestionKind.COMMENT
        ]
        expected = [CENTRE_COLUMN, DATE_COLUMN, *(q.code for q in self.questions)]
        positions = column_positions(header, expected, optional=optional)
        known = {name.lower() for name in expected}
        unknown = [name for name in header if name and name.lower() not in known]
        if unknown:
            raise TabularError(
                _("These columns are not questions of the questionnaire: %(columns)s.")
                % {"columns": ", ".join(f"« {name} »" for name in unknown[:10])}
            )
        return positions

    def line(self, number: int, cells: list[str], positions: dict[str, int]) -> None:
        def cell(name):
            index = positions.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        before = self.plan.error_count
        centre = self.centres.get(cell(CENTRE_COLUMN))
        if centre is None:
            self.plan.error(
                _error(number, CENTRE_COLUMN, _("unknown centre, or not in this campaign."))
            )
        day = self._checked_day(number, cell(DATE_COLUMN))
        answers = []
        for question in self.questions:
            answer = self._answer(number, question, cell(question.code))
            if answer is not None:
                answers.append(answer)
        if self.plan.error_count == before:
            self.plan.sheets.append(Sheet(centre_id=centre.pk, day=day, answers=answers))
            self.plan.per_centre[centre.name] += 1

    def _checked_day(self, number: int, text: str) -> date | None:
        day = _day(text)
        if day is None:
            self.plan.error(_error(number, DATE_COLUMN, _("a date such as 15/03/2025.")))
        elif not self.campaign.opens_on <= day <= min(self.campaign.closes_on, self.today):
            self.plan.error(
                _error(
                    number,
                    DATE_COLUMN,
                    _("outside the campaign (%(start)s to %(end)s) or in the future.")
                    % {
                        "start": self.campaign.opens_on.strftime("%d/%m/%Y"),
                        "end": self.campaign.closes_on.strftime("%d/%m/%Y"),
                    },
                ),
            )
        return day

    def _answer(self, number: int, question, text: str) -> tuple[int, str, str] | None:
        if question.kind == QuestionKind.COMMENT:
            if not text:
                return None
            if len(text) > COMMENT_MAX_LENGTH or FORBIDDEN_CHARACTERS.search(text):
                self.plan.error(
                    _error(
                        number,
                        question.code,
                        _("a comment of %(limit)s characters at most, without control characters.")
                        % {"limit": COMMENT_MAX_LENGTH},
                    )
                )
                return None
            return (question.pk, "", text)
        if not text:
            if question.required:
                self.plan.error(_error(number, question.code, _("this question needs an answer.")))
            return None
        value = self.readers[question.pk].get(_normalised(text))
        if value is None:
            allowed = ", ".join(code for code, _label in choices_for(question.kind))
            self.plan.error(
                _error(
                    number,
                    question.code,
                    _("« %(value)s » is not in the scale (%(allowed)s).")
                    % {"value": text[:40], "allowed": allowed},
                )
            )
            return None
        return (question.pk, value, "")


def survey_import_check(*, campaign: Campaign, filename: str, content: bytes) -> SurveyImportPlan:
    """Read and check the whole file against the campaign's questionnaire version."""
    if _already_answered(campaign):
        return SurveyImportPlan(errors=[str(_refusal(campaign))], error_count=1)
    checker = _Checker(campaign)
    try:
        table = read_table(filename, content)
        positions = checker.header(table.header)
        for count, (number, cells) in enumerate(table.rows, start=1):
            if count > MAX_SHEETS:
                raise TabularError(
                    _("The file has more than %(max)s sheets: split it.") % {"max": MAX_SHEETS}
                )
            checker.line(number, cells, positions)
    except TabularError as exc:
        return SurveyImportPlan(errors=[str(exc)], error_count=1)
    if not checker.plan.sheets and not checker.plan.error_count:
        checker.plan.error(_("The file has no line under its header."))
    return checker.plan


def _already_answered(campaign: Campaign) -> bool:
    return (
        SurveyImport.objects.filter(campaign=campaign).exists()
        or Response.objects.filter(campaign=campaign).exists()
    )


def _refusal(campaign: Campaign) -> ImportRefused:
    if SurveyImport.objects.filter(campaign=campaign).exists():
        return ImportRefused(_("This campaign has already been imported."))
    return ImportRefused(
        _("This campaign already has answers from its links: import into a campaign of its own.")
    )


@transaction.atomic
def survey_import_apply(
    *, campaign: Campaign, plan: SurveyImportPlan, filename: str, sha256: str, by
) -> SurveyImport:
    """Write every sheet, the rollups and the log entry, all or nothing."""
    assert not plan.error_count
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if _already_answered(campaign):
        raise _refusal(campaign)
    sheets_write(campaign=campaign, sheets=plan.sheets)
    return SurveyImport.objects.create(
        campaign=campaign,
        filename=filename[:255],
        sha256=sha256,
        sheets=len(plan.sheets),
        uploaded_by=by,
    )


def sheets_write(*, campaign: Campaign, sheets: list[Sheet]) -> None:
    """Write anonymous answer sheets as responses and answers, and add them to the daily rollups
    (call inside a transaction). On PostgreSQL the rows go through COPY. As for sheets counted
    by the mixer, comments are masked before they are stored and agent sheets carry only the
    campaign's first day (surveys.services.ballot)."""
    sheets = _anonymised(campaign, sheets)
    if connection.vendor == "postgresql":
        _sheets_copy(campaign, sheets)
    else:
        _sheets_bulk_create(campaign, sheets)
    rollups_unseal(campaign_id=campaign.pk)  # past days change: the nightly seal redoes them
    for (centre_id, day), counts in _rollup_counts(sheets).items():
        values = list(counts)
        rollups_increment(
            campaign_id=campaign.pk,
            centre_id=centre_id,
            day=day,
            values=values,
            counts=[counts[v] for v in values],
            shard=0,
        )


def _anonymised(campaign: Campaign, sheets: list[Sheet]) -> list[Sheet]:
    agent = campaign.questionnaire.audience == Audience.AGENT
    return [
        Sheet(
            centre_id=sheet.centre_id,
            day=campaign.opens_on if agent else sheet.day,
            answers=[(q, v, mask_personal_data(t)) for q, v, t in sheet.answers],
        )
        for sheet in sheets
    ]


def _rollup_counts(sheets: Iterable[Sheet]) -> dict[tuple[int, date], Counter]:
    counts: dict[tuple[int, date], Counter] = defaultdict(Counter)
    for sheet in sheets:
        cell = counts[(sheet.centre_id, sheet.day)]
        for question_id, value, _text in sheet.answers:
            if value:
                cell[(question_id, value)] += 1
    return counts


BATCH = 5000


def _sheets_bulk_create(campaign: Campaign, sheets: list[Sheet]) -> None:
    for start in range(0, len(sheets), BATCH):
        batch = sheets[start : start + BATCH]
        responses = Response.objects.bulk_create(
            Response(
                campaign=campaign,
                centre_id=s.centre_id,
                questionnaire_id=campaign.questionnaire_id,
                day=s.day,
            )
            for s in batch
        )
        Answer.objects.bulk_create(
            Answer(response_id=r.pk, question_id=q, value=v, text=t)
            for r, s in zip(responses, batch, strict=True)
            for q, v, t in s.answers
        )


def _sheets_copy(campaign: Campaign, sheets: list[Sheet]) -> None:
    response_table = Response._meta.db_table
    answer_table = Answer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [response_table, len(sheets)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor
        columns = "(id, campaign_id, centre_id, questionnaire_id, day)"
        with raw.copy(f"COPY {response_table} {columns} FROM STDIN") as copy:
            for pk, sheet in zip(ids, sheets, strict=True):
                copy.write_row(
                    (pk, campaign.pk, sheet.centre_id, campaign.questionnaire_id, sheet.day)
                )
        with raw.copy(
            f"COPY {answer_table} (response_id, question_id, value, text) FROM STDIN"
        ) as copy:
            for pk, sheet in zip(ids, sheets, strict=True):
                for question_id, value, text in sheet.answers:
                    copy.write_row((pk, question_id, value, text))
