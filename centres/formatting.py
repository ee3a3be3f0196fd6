"""The one formatting rule for every figure and date people read.

Pages, charts, tables, CSV/XLSX exports, the open-data file, PDFs, scorecard traces and e-mails
all go through these functions, so that a figure reads the same wherever it appears. The module
sits in `centres`, the app every other one reads (centres' own pages and e-mails show dates),
and knows nothing of surveys or labels: it formats numbers, fractions and dates.

- Rate: a fraction (0..1) as a percentage rounded half-up to one decimal, a whole number
  without its « ,0 »: 2/3 -> « 66,7 % », 0.85859 -> « 85,9 % », 0.98 -> « 98 % ». A chart's bar
  is drawn to the same rounded value (`bar_width`). A rule that compares a rate with a
  threshold compares this rounded value (`percentage`), so its sentence never contradicts it.
- Interval: each bound rounded by the same rule, then widened to the shown rate if need be,
  so the interval shown always contains the rate shown (a centre at 100 % reads up to 100 %).
- Net rate: a difference of two percentages, written in points: « +96 pts », « −4,5 pts ».
- Typography: a thin no-break space (U+202F) before « % », a no-break space before « pts »,
  a true minus sign (U+2212); the decimal separator of the language (a comma in French).
- Dates: the first of a month is « 1er » in French (« 1er décembre 2025 »); `ordinal` gives the
  ordinal of any number (« 1er », « 2e »).

Rounding starts from the figure's decimal writing, cleared of binary noise (a rate computed
as 0.7999999999999999 is 0.8): ratios of counts are then rounded as a person would by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language, gettext, pgettext

THIN_NBSP = "\u202f"  # before « % »
NBSP = "\u00a0"  # between a figure and a unit word
MINUS = "\u2212"
EMPTY = "—"  # a figure that does not exist (no answer yet)
TENTH = Decimal("0.1")
# Binary noise lies around the 16th significant digit; a ratio of counts below a billion
# differs from a half-tenth by far more than this.
NOISE = Decimal("1e-12")

Number = float | int | Decimal
ENGLISH_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def _decimal(value: Number) -> Decimal:
    """The value's shortest decimal writing, binary noise cleared."""
    return Decimal(str(value)).quantize(NOISE, rounding=ROUND_HALF_EVEN)


def percentage(value: Number | None) -> Decimal | None:
    """A fraction as a percentage rounded half-up to one decimal: 2/3 -> Decimal("66.7")."""
    if value is None:
        return None
    return (_decimal(value) * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def interval_percentages(
    low: Number | None, high: Number | None, *, around: Number | None = None
) -> tuple[Decimal, Decimal] | None:
    """An interval's bounds as rounded percentages, widened if need be to contain the rounded
    `around` (the rate the interval is shown with)."""
    if low is None or high is None:
        return None
    bounds = percentage(low), percentage(high)
    shown = percentage(around)
    if shown is None:
        return bounds
    return min(bounds[0], shown), max(bounds[1], shown)


def _figure(value: Decimal) -> str:
    """A rounded figure in the active language, without the decimal of a whole number."""
    decimals = 0 if value == value.to_integral_value() else 1
    text = formats.number_format(abs(value), decimal_pos=decimals)
    return f"{MINUS}{text}" if value < 0 else text


def percent_text(value: Number | None) -> str:
    """A fraction as the percentage people read: 2/3 -> « 66,7 % », 0.98 -> « 98 % »."""
    rounded = percentage(value)
    return EMPTY if rounded is None else f"{_figure(rounded)}{THIN_NBSP}%"


def interval_text(low: Number | None, high: Number | None, *, around: Number | None = None) -> str:
    """« 96,9 % – 98,7 % »: the bounds of interval_percentages()."""
    bounds = interval_percentages(low, high, around=around)
    if bounds is None:
        return EMPTY
    return " – ".join(f"{_figure(bound)}{THIN_NBSP}%" for bound in bounds)


def points_text(value: Number | None) -> str:
    """A difference of two fractions in percentage points, signed: 0.96 -> « +96 pts »."""
    rounded = percentage(value)
    if rounded is None:
        return EMPTY
    sign = "+" if rounded > 0 else ""
    # French puts a noun in the singular below 2 (« 1,5 pt »), English only at 1.
    singular = abs(rounded) < 2 if _french() else abs(rounded) == 1
    unit = pgettext("percentage point", "pt") if singular else pgettext("percentage points", "pts")
    return f"{sign}{_figure(rounded)}{NBSP}{unit}"


def bar_width(value: Number | None) -> str:
    """The rounded percentage with a dot, for an SVG bar 100 units wide (« 0 » without one)."""
    rounded = percentage(value)
    if rounded is None:
        return "0"
    return format(min(max(rounded, Decimal(0)), Decimal(100)).normalize(), "f")


def interval_bars(
    low: Number | None, high: Number | None, *, around: Number | None = None
) -> tuple[str, str]:
    """The bounds of interval_percentages() with a dot, for the line drawn across a bar."""
    bounds = interval_percentages(low, high, around=around)
    if bounds is None:
        return "0", "0"
    return bar_width(bounds[0] / 100), bar_width(bounds[1] / 100)


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def ordinal(number: int) -> str:
    """« 1er », « 2e » in French; « 1st », « 2nd », « 3rd », « 4th » in English."""
    if _french():
        return f"{number}er" if number == 1 else f"{number}e"
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ENGLISH_SUFFIXES.get(number % 10, 'th')}"


def _first_of_month(pattern: str) -> str:
    """The date pattern with « er » after the day of the month (`j`), escapes kept."""
    out, escaped = [], False
    for char in pattern:
        out.append(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j":
            out.append(r"\e\r")
    return "".join(out)


def date_text(value: date | datetime | None, format_name: str = "DATE_FORMAT") -> str:
    """A date (or a date and time, in local time) in a format of the active language, the
    first of the month as « 1er » in French: « 1er décembre 2025 »."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = formats.get_format(format_name)
    if value.day == 1 and _french():
        pattern = _first_of_month(pattern)
    return dateformat.format(value, pattern)


def yes_no(value: Any) -> str:
    """« oui » / « non » (in the active language) for a boolean cell of an export."""
    return gettext("yes") if value else gettext("no")
