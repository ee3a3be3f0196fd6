"""Forms of the findings follow-up: filters, closing a finding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import FindingKind, FindingStatus
from ._common import StrictForm


class FindingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *FindingKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *FindingStatus.choices]
    )
    audit = forms.TypedChoiceField(
        label=_("Audit"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, audits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit"].choices = [
            ("", _("All")),
            *((a.pk, f"{a.get_kind_display()} — {a.start_date:%d/%m/%Y}") for a in audits),
        ]


class FindingCloseForm(StrictForm):
    note = forms.CharField(
        label=_("Closing note"),
        help_text=_("How the finding was answered and how you checked it."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    action = forms.ModelChoiceField(
        label=_("Corrective action (optional)"),
        help_text=_("The action of a centre's action plan that answered this finding."),
        queryset=None,
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions
        self.fields["action"].label_from_instance = lambda a: f"{a.centre.name} — {a.title}"
