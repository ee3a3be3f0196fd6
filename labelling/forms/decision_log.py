"""The filters of the decision log page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import Structure

from ..enums import LogKind
from ._common import StrictForm


class DecisionLogFilterForm(StrictForm):
    structure = forms.ModelChoiceField(
        label=_("Structure"),
        required=False,
        queryset=Structure.objects.order_by("name"),
        empty_label=_("All"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *LogKind.choices]
    )
