"""Filters of the results page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsFilterForm(forms.Form):
    """Filters of the results page: campaign, centre (within scope) and period."""

    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, campaigns, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.slug, c.name) for c in campaigns]
        self.fields["centre"].choices = [("", _("All centres within your scope"))] + [
            (c.code, c.name) for c in centres
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must come after its start."))
        return cleaned
