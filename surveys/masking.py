"""Masking of personal data in survey comments: tax numbers (13-digit SPI), e-mail addresses,
phone numbers, IBANs, any other long number, and the names a referent marks for a centre.

The mixer (surveys.services.ballot) masks every comment as it turns a sealed sheet into a
response, and marking a name masks the comments already counted: like a moderated review,
the masked text replaces the original, which is not kept. Every staff page and export (the
CSV written by PostgreSQL itself included) then reads masked text only."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Order matters: e-mails and IBANs hold digits that the number patterns would cut into; a
# phone number written 0033... has 13 digits, like a tax number.
PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _("[e-mail address masked]")),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b", re.IGNORECASE), _("[IBAN masked]")),
    (
        re.compile(
            r"(?:(?:\+|00)\s?33[ .-]?(?:\(0\)[ .-]?)?|(?<!\d)0)[1-9](?:[ .-]?\d{2}){4}(?!\d)"
        ),
        _("[phone number masked]"),
    ),
    (re.compile(r"(?<!\d)\d(?:[ .]?\d){12}(?!\d)"), _("[tax number masked]")),
    (re.compile(r"(?<!\d)\d(?:[ .-]?\d){8,}(?!\d)"), _("[number masked]")),
)
NAME_MASK = _("[name masked]")


def mask_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """The text with every personal datum found replaced by a French placeholder."""
    if not text:
        return text
    with translation.override(settings.LANGUAGE_CODE):
        for pattern, placeholder in PATTERNS:
            text = pattern.sub(str(placeholder), text)
        for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", str(NAME_MASK), text, flags=re.I)
    return text
