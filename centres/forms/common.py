"""What every form of the product reads: field helpers, engagement choices, and the guard
against values sent twice and disguising characters."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import ENGAGEMENT_NUMBERS

# --- Self-assessment and action plan ---------------------------------------------------------

TEXT_LIMIT = 5000


def engagement_choices() -> list[tuple[int, str]]:
    return [
        (number, _("Engagement %(number)s") % {"number": number}) for number in ENGAGEMENT_NUMBERS
    ]


def _textarea(label, help_text="", *, required=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _date_field(label, help_text="", *, required=True):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# Control characters (tab and line breaks excepted), bidirectional overrides, which can disguise
# a text, and U+FFFD, what is left of bytes that were not UTF-8.
FORBIDDEN_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]"
)


class SingleValuesMixin:
    """Refuses a field sent twice (a robot, or a tampered form) instead of silently keeping its
    last value; multiple-choice fields may repeat. With `refuse_disguising_characters`, text
    fields also refuse the FORBIDDEN_CHARACTERS."""

    single_value_message = _("Give a single value to this field.")
    refuse_disguising_characters = False

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                continue
            if hasattr(self.data, "getlist") and len(self.data.getlist(self.add_prefix(name))) > 1:
                self.add_error(name, self.single_value_message)
            elif (
                self.refuse_disguising_characters
                and isinstance(field, forms.CharField)
                and isinstance(cleaned.get(name), str)
                and FORBIDDEN_CHARACTERS.search(cleaned[name])
            ):
                self.add_error(name, _("This text contains characters that are not allowed."))
        return cleaned
