"""The label application form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import CertificationBody, Structure


class ApplicationForm(forms.Form):
    # Deactivated structures and bodies take no new application (centres' organisation pages).
    structure = forms.ModelChoiceField(
        label=_("Labelled structure"), queryset=Structure.objects.filter(is_active=True)
    )
    cycle = forms.IntegerField(label=_("Cycle (year)"), min_value=2023, max_value=2100)
    certification_body = forms.ModelChoiceField(
        label=_("Certification body"), queryset=CertificationBody.objects.filter(is_active=True)
    )
    survey_start = forms.DateField(
        label=_("Survey period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    survey_end = forms.DateField(
        label=_("Survey period end"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, structure_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if structure_ids is not None:
            self.fields["structure"].queryset = Structure.objects.filter(
                pk__in=structure_ids, is_active=True
            )

    def clean(self):
        data = super().clean()
        if data.get("survey_start") and data.get("survey_end"):
            if data["survey_end"] < data["survey_start"]:
                raise forms.ValidationError(_("The survey period ends before it starts."))
        return data
