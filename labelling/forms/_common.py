"""Shared by the labelling forms: the strict form (one value per field, UTF-8 bodies)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms.common import SingleValuesMixin

TEXT_LIMIT = 8000


def body_is_utf8(request) -> bool:
    """False for a form body that is not UTF-8 (Django would read it as Latin-1 and accept it)."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return True
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class StrictForm(SingleValuesMixin, forms.Form):
    """Refuses a body that is not UTF-8, a field sent twice (keeping the last value would hide a
    tampered form) and, in text fields, characters that can disguise what is stored."""

    refuse_disguising_characters = True

    def __init__(self, *args, utf8: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.utf8 = utf8

    def clean(self):
        if not self.utf8:
            raise forms.ValidationError(_("The form was not sent as UTF-8 text: send it again."))
        return super().clean()
