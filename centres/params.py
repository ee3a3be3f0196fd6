"""Integers read from requests (query strings, URL parts): ASCII digits only.

`str.isdigit()` and `int()` accept far more than 0-9 (« ² », « ① », Arabic-Indic « ٣ »...):
`isdigit()` then `int()` is a 500 waiting to happen. Every integer parameter goes through here."""

import re

# 18 digits always fit a 64-bit database integer; anything longer names no row.
_ASCII_INTEGER = re.compile(r"[0-9]{1,18}")


def ascii_int(text) -> int | None:
    """The non-negative integer written in ASCII digits in `text`, else None."""
    if not isinstance(text, str) or not _ASCII_INTEGER.fullmatch(text):
        return None
    return int(text)


def int_param(request, name: str) -> int | None:
    """The integer of the query string's `name`, or None when absent or not ASCII digits."""
    return ascii_int(request.GET.get(name))
