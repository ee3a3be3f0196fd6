"""Streamed exports: anonymous responses, results, and the open-data results file.

Rows are generated lazily, page by page (constant memory); on PostgreSQL the CSV of responses
is written by the database itself (COPY). Every text cell that a spreadsheet could read as a
formula (starting with = + - @, a tab or a carriage return, or with a compatibility form of
them once NFKC-normalised: full-width « ＝ », small « ﹢ »...) is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, CharField, F, FilteredRelation, Max, Q, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from psycopg import sql

from centres import formatting
from centres.models import Centre

from ..enums import Audience, ExportKind, QuestionKind, choices_for
from ..models import Answer, Campaign, Question, Response
from .results import CITIZEN_SCALE, campaign_results, min_sample, period_rates

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OPEN_DATA_HEADER = [
    "code_structure",
    "typologie",
    "nom_structure",
    "code_postal",
    "ville",
    "code_indicateur",
    "valeur",
    "frequence",
    "date_mise_a_jour",
]


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet could run the text: its first character opens a formula once
    NFKC-normalised (spreadsheets read « ＝1+1 » as « =1+1 »)."""
    first = text[:1]
    if first > "\x7f":
        first = unicodedata.normalize("NFKC", first)
    return first.startswith(FORMULA_PREFIXES)


def neutralise(value):
    """A cell value a spreadsheet will not execute: formulas become plain text."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def response_header(questions: Sequence[Question]) -> list[str]:
    """The header of an export of responses, in the reader's language: the centre, the day,
    then each question's wording (the machine codes stay in the open-data schema)."""
    return [_("Centre"), _("Day"), *[question_wording(q) for q in questions]]


def question_wording(question: Question) -> str:
    french = (get_language() or "fr").startswith("fr")
    return (question.text_fr if french else question.text_en) or question.code


def answer_labels(question: Question) -> dict[str, str]:
    """The label a reader sees for each stored answer value (« Très satisfait(e) » for
    `very`), empty for a free comment."""
    return {value: str(label) for value, label in choices_for(question.kind)}


CSV_CHUNK_CHARS = 64 * 1024  # characters, or bytes for the COPY of responses


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Encode rows as CSV (UTF-8 BOM, CRLF, formulas neutralised), in chunks of about 64 KB.

    One chunk per row would cost a write to the socket or file per row."""
    writerow, prefixes = csv.writer(_Echo(), lineterminator="\r\n").writerow, FORMULA_PREFIXES
    lines, size = ["\ufeff"], 0  # BOM: spreadsheets then read the file as UTF-8
    for row in rows:
        # neutralise() inlined: this line runs once per row of million-row exports. Only a
        # non-ASCII first character needs the NFKC look-up (`cell > "\x7f"` tells it without
        # slicing: a string above DEL starts above it, or with DEL, which no prefix is).
        line = writerow(
            [
                "'" + cell
                if cell.__class__ is str
                and (cell.startswith(prefixes) or (cell > "\x7f" and starts_like_formula(cell)))
                else cell
                for cell in row
            ]
        )
        lines.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(lines)
            lines, size = [], 0
    yield "".join(lines)


RESPONSE_CHUNK = 10_000


def response_rows(
    *, campaign: Campaign, centres: list[Centre], chunk_size: int = RESPONSE_CHUNK
) -> Iterator[Sequence]:
    """Header, then one row per anonymous response: centre, day and one column per question.

    Responses are read by pages of `chunk_size` ids (keyset pagination, one short query each,
    no transaction held open); each query pivots the answers into one row per response, so
    memory stays flat whatever the size of the campaign. On PostgreSQL the CSV of responses
    comes from response_csv_chunks() instead (the same rows, written by the database)."""
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    codes = {c.pk: c.code for c in centres}
    yield response_header(questions)
    labels = [answer_labels(q) for q in questions]
    columns = {
        f"q{q.pk}": Max(
            Case(
                When(
                    page_answers__question_id=q.pk,
                    then=F(
                        "page_answers__text"
                        if q.kind == QuestionKind.COMMENT
                        else "page_answers__value"
                    ),
                )
            )
        )
        for q in questions
    }
    responses = Response.objects.filter(campaign=campaign, centre_id__in=list(codes))
    last = 0
    while True:
        page = (
            responses.filter(id__gt=last)
            # The answers' own bound lets PostgreSQL start its merge join at the page, instead
            # of walking every answer before it.
            .annotate(
                page_answers=FilteredRelation("answers", condition=Q(answers__response_id__gt=last))
            )
            .order_by("id")
            .values("id")  # one row per response
            # The day of a response is one value: Max() keeps it out of GROUP BY, which would
            # otherwise sort every page again by (id, day).
            .annotate(**columns, day_text=Cast(Max("day"), CharField()))
            .values_list("id", "centre_id", "day_text", *columns)[:chunk_size]
        )
        # The ORM writes the query; the driver's own fetchall() reads it at a third less CPU
        # per row than the queryset's iterator (the rows need no conversion).
        query, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        for row in rows:
            yield (
                codes[row[1]],
                row[2],
                *[label.get(value, value) for label, value in zip(labels, row[3:], strict=True)],
            )
        if len(rows) < chunk_size:
            return
        last = rows[-1][0]


def response_csv_by_copy() -> bool:
    """True where the CSV of responses comes from response_csv_chunks(): on PostgreSQL, outside
    a transaction (the COPY's own connection would not see the rows of an open one)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def response_csv_chunks(
    *, campaign: Campaign, centres: list[Centre]
) -> Generator[tuple[bytes, int], None, None]:
    """The CSV of responses written by PostgreSQL (COPY), as (chunk, rows in it) pairs: the same
    header, columns, cells and scope as csv_lines(response_rows(...)), in chunks of about 64 KB
    (constant memory).

    The COPY runs on a connection of its own: between two chunks the caller may use the
    database (a job commits its progress), which a connection busy with a COPY cannot do.
    Closing the generator early cancels the COPY and closes that connection."""
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    header = "".join(csv_lines([response_header(questions)]))
    query = _response_copy(campaign=campaign, centres=centres, questions=questions)
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        own.ensure_connection()
        with own.connection.cursor() as cursor, cursor.copy(query) as copy:
            lines, rows, size = [header.removesuffix("\r\n").encode()], 0, 0
            for line in copy:
                # PostgreSQL ends each row with a lone LF: CRLF instead, as csv_lines() does. A
                # line break inside a quoted comment stays as it is.
                lines.append(line[:-1])
                rows += 1
                size += len(line)
                if size >= CSV_CHUNK_CHARS:
                    yield b"\r\n".join(lines) + b"\r\n", rows
                    lines, rows, size = [], 0, 0
            if lines:
                yield b"\r\n".join(lines) + b"\r\n", rows
    finally:
        own.close()


def response_csv_stream(*, campaign: Campaign, centres: list[Centre]) -> Iterator[bytes]:
    """The chunks of response_csv_chunks() alone, for a download (closing it closes the COPY)."""
    with closing(response_csv_chunks(campaign=campaign, centres=centres)) as chunks:
        for chunk, _rows in chunks:
            yield chunk


def _response_copy(
    *, campaign: Campaign, centres: list[Centre], questions: list[Question]
) -> sql.Composed:
    """COPY of the rows of response_rows() as CSV, every answer neutralised as csv_lines() does
    (a day never starts like a formula). The centres come as (id, code) pairs, codes already
    neutralised: joining them is also the scope of the export."""

    # The code of a cell's first character (0 for '', NULL for NULL): cheaper than a regex. A
    # non-ASCII first character is compared NFKC-normalised, as starts_like_formula() does.
    formula_starts = sql.SQL(", ").join(sql.Literal(ord(prefix)) for prefix in FORMULA_PREFIXES)

    def neutralised(column: str) -> sql.Composed:
        return sql.SQL(
            "CASE WHEN ascii({c}) IN ({starts}) OR (ascii({c}) > 127"
            " AND ascii(normalize(left({c}, 1), NFKC)) IN ({starts}))"
            " THEN '''' || {c} ELSE {c} END"
        ).format(c=sql.Identifier("response", column), starts=formula_starts)

    names = [f"q{q.pk}" for q in questions]
    pivot = [
        sql.SQL("MAX(CASE WHEN a.question_id = {id} THEN {cell} END) AS {name}").format(
            id=sql.Literal(q.pk), cell=_answer_cell(q), name=sql.Identifier(name)
        )
        for q, name in zip(questions, names, strict=True)
    ]
    return sql.SQL(
        """COPY (
            SELECT {columns}
            FROM (
                SELECT {pivot}
                FROM {responses} r
                JOIN unnest({centre_ids}::bigint[], {centre_codes}::text[]) AS c (id, code)
                    ON c.id = r.centre_id
                LEFT JOIN {answers} a ON a.response_id = r.id
                WHERE r.campaign_id = {campaign}
                GROUP BY r.id, c.code
            ) AS response
            ORDER BY response.id
        ) TO STDOUT WITH (FORMAT csv)"""
    ).format(
        columns=sql.SQL(", ").join(
            [sql.SQL("response.centre, response.day"), *(neutralised(name) for name in names)]
        ),
        pivot=sql.SQL(", ").join(
            [sql.SQL("r.id, c.code AS centre, to_char(r.day, 'YYYY-MM-DD') AS day"), *pivot]
        ),
        responses=sql.Identifier(Response._meta.db_table),
        answers=sql.Identifier(Answer._meta.db_table),
        centre_ids=sql.Literal([c.pk for c in centres]),
        centre_codes=sql.Literal([neutralise(c.code) for c in centres]),
        campaign=sql.Literal(campaign.pk),
    )


def _answer_cell(question: Question) -> sql.Composable:
    """The answer as response_rows() writes it: a comment's text, or the label of a value."""
    if question.kind == QuestionKind.COMMENT:
        return sql.SQL("a.text")
    labels = answer_labels(question)
    if not labels:
        return sql.SQL("a.value")
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {value} THEN {label}").format(
            value=sql.Literal(value), label=sql.Literal(label)
        )
        for value, label in labels.items()
    )
    return sql.SQL("CASE a.value {cases} ELSE a.value END").format(cases=cases)


def response_count(*, campaign: Campaign, centres: list[Centre], limit: int | None = None) -> int:
    """How many responses an export of responses holds (counting stops past `limit`)."""
    responses = Response.objects.filter(campaign=campaign, centre__in=centres).values("id")
    return (responses[: limit + 1] if limit is not None else responses).count()


def result_header(audience: str) -> list[str]:
    """The header of an export of results, in the reader's language; rates are percentages
    and the net rate is in points, rounded as on the results page (centres.formatting)."""
    rate = _("Agreement rate (%)") if audience == Audience.AGENT else _("Satisfaction rate (%)")
    top = _("Strongly agree (%)") if audience == Audience.AGENT else _("Very satisfied (%)")
    return [
        _("Table"),
        _("Key"),
        _("Heading"),
        _("Answers (n)"),
        rate,
        top,
        _("Net rate (points)"),
        _("95 % interval, low bound (%)"),
        _("95 % interval, high bound (%)"),
        _("Insufficient sample"),
        _("Hidden"),
    ]


def result_figures(rate) -> list:
    """A rate's figures as the results page shows them: rounded, the interval around the rate."""
    low, high = formatting.interval_percentages(
        rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
    ) or ("", "")
    return [
        rate.n,
        _pct(rate.satisfaction_rate),
        _pct(rate.very_satisfied_share),
        _pct(rate.net_rate),
        low,
        high,
        formatting.yes_no(rate.insufficient_sample),
    ]


def result_rows(*, campaign: Campaign, centres: list[Centre], start: date, end: date):
    """Header, then the figures of the results page, one row per line of each table."""
    figures = campaign_results(campaign=campaign, centres=centres, start=start, end=end)
    yield result_header(campaign.questionnaire.audience)
    tables = [
        (_("engagement"), figures.by_engagement),
        (_("centre"), figures.by_centre),
        (_("month"), figures.by_month),
        (_("total"), [figures.total] if figures.total and figures.k else []),
    ]
    for name, rows in tables:
        for row in rows:
            if row.hidden:
                yield [name, str(row.key), row.label, *[""] * 7, formatting.yes_no(True)]
                continue
            yield [
                name,
                str(row.key),
                row.label,
                *result_figures(row.rate),
                formatting.yes_no(False),
            ]


def open_data_rows(*, campaign: Campaign, centres: list[Centre], start: date, end: date):
    """The Services Publics+ open-data schema: one row per centre and indicator.

    Indicators (percentages, one decimal): satisfaction_globale, taux_net_satisfaction and
    satisfaction_engagement_<n>. Rates below the minimum sample are not published. Every
    centre's figures come from one query on the rollups."""
    yield OPEN_DATA_HEADER
    if campaign.questionnaire.audience != Audience.CITIZEN:
        return
    structure = campaign.structure
    updated = timezone.localdate().isoformat()
    rates = period_rates(
        start=start,
        end=end,
        campaigns=[campaign],
        keys=("centre_id", "question__engagement_number"),
        centre_id__in=[centre.pk for centre in centres],
        **CITIZEN_SCALE,
    )
    for centre in centres:
        base = [centre.code, structure.typology, centre.name, centre.postal_code, centre.city]
        numbers = sorted(n for (pk, n) in rates if pk == centre.pk and n is not None)
        for number in numbers + [None]:
            rate = rates.get((centre.pk, number))
            if rate is None or rate.n < min_sample():
                continue
            if number is None:
                yield [
                    *base,
                    "satisfaction_globale",
                    _pct(rate.satisfaction_rate),
                    "annuelle",
                    updated,
                ]
                yield [*base, "taux_net_satisfaction", _pct(rate.net_rate), "annuelle", updated]
            else:
                indicator = f"satisfaction_engagement_{number}"
                yield [*base, indicator, _pct(rate.satisfaction_rate), "annuelle", updated]


def _pct(value: float | None) -> Decimal | str:
    """A percentage with one decimal, as a number: a negative net rate is a figure, and must
    not be taken for a formula (and prefixed) like a text cell starting with « - »."""
    return "" if value is None else formatting.percentage(value)


def export_rows(*, campaign: Campaign, kind: str, centres: list[Centre]) -> Iterator[list]:
    """The rows of an export of a campaign: whole campaign, within the given centres."""
    if kind == ExportKind.RESPONSES:
        return response_rows(campaign=campaign, centres=centres)
    start = campaign.opens_on
    end = max(start, min(campaign.closes_on, timezone.localdate()))
    if kind == ExportKind.RESULTS:
        return result_rows(campaign=campaign, centres=centres, start=start, end=end)
    return open_data_rows(campaign=campaign, centres=centres, start=start, end=end)


def csv_write(rows: Iterable[list], handle: TextIO) -> None:
    """Write rows as CSV to an open text file (the same bytes as the streamed export)."""
    for chunk in csv_lines(rows):
        handle.write(chunk)


# A worksheet holds at most 1,048,576 rows: longer exports continue on another sheet.
XLSX_SHEET_ROWS = 1_000_000


def xlsx_write(rows: Iterable[list], path: str, title: str) -> None:
    """Write rows to an .xlsx file in openpyxl's write-only mode (constant memory).

    Rows go to disk as they come; past XLSX_SHEET_ROWS rows a new sheet starts, with the
    header row repeated."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    iterator = iter(rows)
    header = [neutralise(cell) for cell in next(iterator, [])]
    sheet, count, number = workbook.create_sheet(title=title[:31]), 0, 1
    sheet.append(header)
    for row in iterator:
        if count == XLSX_SHEET_ROWS:
            number += 1
            sheet, count = workbook.create_sheet(title=f"{title[:26]}-{number}"), 0
            sheet.append(header)
        sheet.append([neutralise(cell) for cell in row])
        count += 1
    workbook.save(path)
