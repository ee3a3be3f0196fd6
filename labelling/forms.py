from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from centres.enums import Role
from centres.forms.common import SingleValuesMixin
from centres.models import CertificationBody, Structure, User

from .enums import LEVEL_ORDER, AppealOutcome, Conformity, FindingKind, FindingStatus, Outcome
from .models import LevelRule
from .queries import RULE_COUNTS, RULE_FIELDS, RULE_FRACTIONS

TEXT_LIMIT = 8000


class ApplicationForm(forms.Form):
    structure = forms.ModelChoiceField(label=_("Labelled structure"), queryset=Structure.objects)
    cycle = forms.IntegerField(label=_("Cycle (year)"), min_value=2023, max_value=2100)
    certification_body = forms.ModelChoiceField(
        label=_("Certification body"), queryset=CertificationBody.objects
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
            self.fields["structure"].queryset = Structure.objects.filter(pk__in=structure_ids)

    def clean(self):
        data = super().clean()
        if data.get("survey_start") and data.get("survey_end"):
            if data["survey_end"] < data["survey_start"]:
                raise forms.ValidationError(_("The survey period ends before it starts."))
        return data


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
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = audit.sites.select_related("centre")


class CloseAuditForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )


class OutcomeForm(forms.Form):
    """A proposal or a decision: an outcome and its motivation."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )


class AppealReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the appeal"), choices=AppealOutcome.choices)
    new_outcome = forms.ChoiceField(
        label=_("New decision (if overturned)"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
    )
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT
    )


# ---------------------------------------------------------------- findings follow-up


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


# ---------------------------------------------------------------- referential versions


class ReferentialVersionForm(StrictForm):
    """A new version: the source's values, edited. Rates are typed as percentages."""

    name = forms.CharField(label=_("Name of the new version"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    is_illustrative = forms.BooleanField(
        label=_("Illustrative values, to be set by the commission"),
        help_text=_("Untick only when the national commission has set these thresholds."),
        required=False,
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.rules = list(source.level_rules.all())
        self.rules.sort(key=lambda r: LEVEL_ORDER.index(r.level))
        self.engagements = list(source.engagements.prefetch_related("criteria"))
        self.fields["name"].initial = source.name
        self.fields["legal_basis"].initial = source.legal_basis
        self.fields["is_illustrative"].initial = source.is_illustrative
        for rule in self.rules:
            for name in RULE_FRACTIONS:
                self.fields[f"{rule.level}-{name}"] = forms.DecimalField(
                    label=_("%(field)s (%%)")
                    % {"field": capfirst(LevelRule._meta.get_field(name).verbose_name)},
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    initial=format((getattr(rule, name) * 100).normalize(), "f"),
                )
            for name in RULE_COUNTS:
                self.fields[f"{rule.level}-{name}"] = forms.IntegerField(
                    label=capfirst(LevelRule._meta.get_field(name).verbose_name),
                    min_value=0,
                    max_value=1_000_000,
                    initial=getattr(rule, name),
                )
        for engagement in self.engagements:
            self.fields[f"title-{engagement.number}"] = forms.CharField(
                label=_("Wording of engagement %(number)s") % {"number": engagement.number},
                max_length=300,
                initial=engagement.title,
            )
            for criterion in engagement.criteria.all():
                self.fields[f"weight-{criterion.pk}"] = forms.IntegerField(
                    label=_("Weight of criterion %(code)s") % {"code": criterion.code},
                    help_text=criterion.title,
                    min_value=1,
                    max_value=10,
                    initial=criterion.weight,
                )

    def rule_groups(self):
        """(level rule, its bound fields) for one fieldset per level."""
        return [
            (rule, [self[f"{rule.level}-{name}"] for name in RULE_FIELDS]) for rule in self.rules
        ]

    def engagement_groups(self):
        """(engagement, its wording field, its criteria weight fields)."""
        return [
            (
                engagement,
                self[f"title-{engagement.number}"],
                [self[f"weight-{c.pk}"] for c in engagement.criteria.all()],
            )
            for engagement in self.engagements
        ]

    def edits(self) -> dict:
        """The cleaned data as the service's keyword arguments."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "legal_basis": data["legal_basis"],
            "is_illustrative": data["is_illustrative"],
            "level_rules": {
                rule.level: {
                    **{
                        name: (data[f"{rule.level}-{name}"] / 100).quantize(Decimal("0.0001"))
                        for name in RULE_FRACTIONS
                    },
                    **{name: data[f"{rule.level}-{name}"] for name in RULE_COUNTS},
                }
                for rule in self.rules
            },
            "engagement_titles": {e.number: data[f"title-{e.number}"] for e in self.engagements},
            "criterion_weights": {
                c.code: data[f"weight-{c.pk}"] for e in self.engagements for c in e.criteria.all()
            },
        }
