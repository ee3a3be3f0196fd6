"""The form that marks a name to mask in a centre's survey comments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms.common import SingleValuesMixin


class NameMaskForm(SingleValuesMixin, forms.Form):
    refuse_disguising_characters = True

    centre = forms.ChoiceField(label=_("Centre"))
    name = forms.CharField(
        label=_("Name to mask"),
        min_length=2,
        max_length=100,
        help_text=_(
            "Masked in every comment of the centre, those already received and later ones."
        ),
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {c.code: c for c in centres}
        self.fields["centre"].choices = [(c.code, c.name) for c in centres]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2 or not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter the name as written in the comments."))
        return name

    def selected_centre(self):
        return self.centres[self.cleaned_data["centre"]]
