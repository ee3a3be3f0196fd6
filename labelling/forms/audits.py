"""Forms of an audit: plan, sites, grid entries, findings, evidence, closing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.enums import Role
from centres.models import User

from ..enums import Conformity, FindingKind
from ._common import TEXT_LIMIT


class AuditPlanForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelMultipleChoiceField(
        label=_("Audit team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_centres = forms.ModelMultipleChoiceField(
        label=_("Sites chosen by risk"),
        help_text=_("Added to the ceil(√N) sites drawn at random."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seed = forms.IntegerField(
        label=_("Sampling seed"),
        help_text=_("Leave empty to draw one; the same seed always gives the same sample."),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
    )

    def __init__(self, *args, application, lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            User.objects.filter(
                role_assignments__role=Role.AUDITOR,
                role_assignments__certification_body=application.certification_body,
            )
            .exclude(pk=lead.pk)
            .distinct()
        )
        self.fields["risk_centres"].queryset = application.structure.centres.order_by("city")

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            raise forms.ValidationError(_("The audit ends before it starts."))
        return data


class SitesOverrideForm(forms.Form):
    centres = forms.ModelMultipleChoiceField(
        label=_("Sites to audit"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = audit.application.structure.centres.order_by("city")
        self.fields["centres"].initial = list(audit.sites.values_list("centre_id", flat=True))


class GridForm(forms.Form):
    """One conformity and one comment per criterion, for one site."""

    def __init__(self, *args, criteria, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            entry = entries.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.code} {criterion.title}",
                choices=[("", "—"), *Conformity.choices],
                initial=entry.conformity if entry else "",
                required=False,
            )
            self.fields[f"m{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": criterion.code},
                initial=entry.comment if entry else "",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [
            (criterion, self[f"c{criterion.pk}"], self[f"m{criterion.pk}"])
            for criterion in self.criteria
        ]


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=None)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, audit, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["site"].queryset = audit.sites.select_related("centre")


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, PNG, JPEG, OpenDocument, Word, Excel, text or CSV; 10 MB at most."),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)

    def __init__(self, *args, audit, **kwargs):
        # The finding form on the same page has a « Site » too: ids of its own, so that each
        # label names its own select (the field names, which the view reads, stay the same).
        kwargs.setdefault("auto_id", "id_evidence_%s")
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = audit.sites.select_related("centre")


class CloseAuditForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )
