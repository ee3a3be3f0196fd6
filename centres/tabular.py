"""Reading the CSV and XLSX files people upload: a header and rows of text, or a French error.

CSV: UTF-8 (with or without the byte-order mark spreadsheets write), separated by « ; » (what
French spreadsheets write) or « , », whichever the header line uses. XLSX: the first sheet,
read-only and streamed. Every cell comes back as stripped text ("" when empty); a row is
numbered as the person sees it in their spreadsheet (the header is line 1)."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _


class TabularError(ValueError):
    """The file cannot be read at all (the message is French, for the person)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_table(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TabularError(
            _("The file is not encoded in UTF-8: save it as « CSV UTF-8 » and try again.")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration as exc:
        raise TabularError(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise TabularError(_("The first line of the file cannot be read as CSV.")) from exc

    def rows():
        line = 1
        try:
            for line, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield line, [cell.strip() for cell in cells]
        except csv.Error as exc:
            raise TabularError(
                _("Line %(line)s cannot be read as CSV (a quote is not closed).")
                % {"line": line + 1}
            ) from exc

    return Table(header=header, rows=rows())


def _xlsx_table(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TabularError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(cell) for cell in next(values)]
    except StopIteration as exc:
        raise TabularError(_("The file is empty.")) from exc

    def rows():
        for line, cells in enumerate(values, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if any(texts):
                yield line, texts
        workbook.close()

    return Table(header=header, rows=rows())


def read_table(filename: str, content: bytes) -> Table:
    """The header and rows of an uploaded .csv or .xlsx file (TabularError when unreadable)."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_table(content)
    if content.startswith(b"PK\x03\x04"):
        raise TabularError(_("This file looks like an Excel workbook: name it « .xlsx »."))
    return _csv_table(content)


def column_positions(header: list[str], expected: list[str], optional=()) -> dict[str, int]:
    """Where each expected column is; TabularError naming the missing or repeated ones."""
    lowered = [name.lower() for name in header]
    repeated = sorted({name for name in lowered if name and lowered.count(name) > 1})
    if repeated:
        raise TabularError(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(f"« {name} »" for name in repeated)}
        )
    missing = [name for name in expected if name not in lowered and name not in optional]
    if missing:
        raise TabularError(
            _("These columns are missing from the first line: %(columns)s.")
            % {"columns": ", ".join(f"« {name} »" for name in missing)}
        )
    return {name: lowered.index(name) for name in expected if name in lowered}


def cell(cells: list[str], positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    return cells[index] if index is not None and index < len(cells) else ""
