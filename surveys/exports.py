"""Streamed exports: anonymous responses, results, and the open-data results file.

Rows are generated lazily from server-side cursors (constant memory). Every text cell that a
spreadsheet could read as a formula (starting with = + - @, a tab or a carriage return) is
prefixed with an apostrophe."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date

from django.utils import timezone

from centres.models import Centre

from .enums import Audience
from .models import Answer, Campaign, Question
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Encode rows as CSV lines one at a time (for StreamingHttpResponse)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff"  # BOM: spreadsheets then read the file as UTF-8
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def response_rows(*, campaign: Campaign, centres: list[Centre]) -> Iterator[list]:
    """Header, then one row per anonymous response: centre, day and one column per question."""
    questions = list(Question.objects.filter(questionnaire_id=campaign.questionnaire_id))
    codes = {c.pk: c.code for c in centres}
    yield ["centre", "day", *[q.code for q in questions]]
    answers = (
        Answer.objects.filter(response__campaign=campaign, response__centre_id__in=list(codes))
        .order_by("response__day", "response_id")
        .values_list(
            "response_id", "response__centre_id", "response__day", "question_id", "value", "text"
        )
    )
    position = {q.pk: i for i, q in enumerate(questions)}
    current, row = None, None
    for response_id, centre_id, day, question_id, value, text in answers.iterator(chunk_size=5000):
        if response_id != current:
            if row is not None:
                yield row
            current = response_id
            row = [codes[centre_id], day.isoformat(), *[""] * len(questions)]
        row[2 + position[question_id]] = value or text
    if row is not None:
        yield row


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


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def xlsx_write(rows: Iterable[list], path: str, title: str) -> None:
    """Write rows to an .xlsx file in openpyxl's write-only mode (constant memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    workbook.save(path)
