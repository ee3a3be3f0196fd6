"""The public search form (« Trouver un service »)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, city, postal code, department or network"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
    )
