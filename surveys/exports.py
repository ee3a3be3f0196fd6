"""Streamed exports: anonymous responses, results, and the open-data results file.

Rows are generated lazily from server-side cursors (constant memory). Every text cell that a
spreadsheet could read as a formula (starting with = + - @, a tab or a carriage return) is
prefixed with an apostrophe."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import connection, connections
from django.db.models import Case, CharField, F, FilteredRelation, Max, Q, When
from django.db.models.functions import Cast
from django.utils import timezone

from centres.models import Centre

from .enums import Audience, ExportKind, QuestionKind
from .models import Campaign, Question, Response
from .queries import campaign_results
from .results import OVERALL, min_sample

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


def neutralise(value):
    """A cell value a spreadsheet will not execute: formulas become plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


CSV_CHUNK_CHARS = 64 * 1024


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Encode rows as CSV (UTF-8 BOM, CRLF, formulas neutralised), in chunks of about 64 KB.

    One chunk per row would cost a write to the socket or file per row."""
    writerow, prefixes = csv.writer(_Echo(), lineterminator="\r\n").writerow, FORMULA_PREFIXES
    lines, size = ["\ufeff"], 0  # BOM: spreadsheets then read the file as UTF-8
    for row in rows:
        # neutralise() inlined: this line runs once per row of million-row exports.
        line = writerow(
            [
                "'" + cell if cell.__class__ is str and cell.startswith(prefixes) else cell
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
    memory stays flat whatever the size of the campaign."""
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    codes = {c.pk: c.code for c in centres}
    yield ["centre", "day", *[q.code for q in questions]]
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

    def page_after(last: int) -> list[tuple]:
        # The answers' own bound lets PostgreSQL start its merge join at the page, instead of
        # walking every answer before it.
        page = (
            responses.filter(id__gt=last)
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
        sql, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    with closing(_pages(page_after, chunk_size)) as pages:  # closed even if we stop early
        for page in pages:
            for row in page:
                yield (codes[row[1]], *row[2:])


def _pages(page_after: Callable[[int], list[tuple]], size: int) -> Iterator[list[tuple]]:
    """The pages of a keyset pagination (first column: the id), in order.

    On PostgreSQL, outside a transaction, the next page is fetched by a helper thread (its
    own connection) while the caller writes the current one: the database and Python then
    work at the same time. Inside a transaction another connection would not see its rows,
    so pages are fetched one after the other."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        last = 0
        while True:
            page = page_after(last)
            yield page
            if len(page) < size:
                return
            last = page[-1][0]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-pages") as pool:
        upcoming = pool.submit(page_after, 0)
        try:
            while upcoming is not None:
                page = upcoming.result()
                upcoming = pool.submit(page_after, page[-1][0]) if len(page) == size else None
                yield page
        finally:
            if upcoming is not None and not upcoming.cancel():
                upcoming.exception()  # wait for the running query before closing its connection
            pool.submit(connections.close_all).result()  # the helper thread's connection


def response_count(*, campaign: Campaign, centres: list[Centre], limit: int | None = None) -> int:
    """How many responses an export of responses holds (counting stops past `limit`)."""
    responses = Response.objects.filter(campaign=campaign, centre__in=centres).values("id")
    return (responses[: limit + 1] if limit is not None else responses).count()


def result_rows(*, campaign: Campaign, centres: list[Centre], start: date, end: date):
    """Header, then the figures of the results page, one row per line of each table."""
    figures = campaign_results(campaign=campaign, centres=centres, start=start, end=end)
    yield [
        "table",
        "key",
        "label",
        "n",
        "satisfaction_rate",
        "very_satisfied_share",
        "net_rate",
        "wilson_low",
        "wilson_high",
        "insufficient_sample",
        "hidden",
    ]
    tables = [
        ("engagement", figures.by_engagement),
        ("centre", figures.by_centre),
        ("month", figures.by_month),
        ("total", [figures.total] if figures.total and figures.k else []),
    ]
    for name, rows in tables:
        for row in rows:
            if row.hidden:
                yield [name, str(row.key), row.label, "", "", "", "", "", "", "", "true"]
                continue
            data = row.rate.as_dict()
            yield [
                name,
                str(row.key),
                row.label,
                data["n"],
                data["satisfaction_rate"],
                data["very_satisfied_share"],
                data["net_rate"],
                data["wilson_low"],
                data["wilson_high"],
                str(data["insufficient_sample"]).lower(),
                "false",
            ]


def open_data_rows(*, campaign: Campaign, centres: list[Centre], start: date, end: date):
    """The Services Publics+ open-data schema: one row per centre and indicator.

    Indicators (percentages, one decimal): satisfaction_globale, taux_net_satisfaction and
    satisfaction_engagement_<n>. Rates below the minimum sample are not published."""
    yield OPEN_DATA_HEADER
    structure = campaign.structure
    updated = timezone.localdate().isoformat()
    if campaign.questionnaire.audience != Audience.CITIZEN:
        return
    for centre in centres:
        figures = campaign_results(campaign=campaign, centres=[centre], start=start, end=end)
        for row in figures.by_engagement:
            rate = row.rate
            if rate.n < min_sample():
                continue
            base = [centre.code, structure.typology, centre.name, centre.postal_code, centre.city]
            if row.key == OVERALL:
                yield [
                    *base,
                    "satisfaction_globale",
                    _pct(rate.satisfaction_rate),
                    "annuelle",
                    updated,
                ]
                yield [*base, "taux_net_satisfaction", _pct(rate.net_rate), "annuelle", updated]
            else:
                yield [
                    *base,
                    f"satisfaction_engagement_{row.key}",
                    _pct(rate.satisfaction_rate),
                    "annuelle",
                    updated,
                ]


def _pct(value: float | None) -> Decimal | str:
    """A percentage with one decimal, as a number: a negative net rate is a figure, and must
    not be taken for a formula (and prefixed) like a text cell starting with « - »."""
    return "" if value is None else Decimal(f"{value * 100:.1f}")


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
