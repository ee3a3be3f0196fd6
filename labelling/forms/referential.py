"""The form of a new referential version (thresholds, weights, wording)."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..enums import LEVEL_ORDER, BelowMinSample
from ..models import LevelRule
from ..queries import RULE_CHOICES, RULE_COUNTS, RULE_FIELDS, RULE_FLAGS, RULE_FRACTIONS
from ._common import StrictForm

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
            for name in RULE_FLAGS:
                self.fields[f"{rule.level}-{name}"] = forms.BooleanField(
                    label=capfirst(LevelRule._meta.get_field(name).verbose_name),
                    required=False,
                    initial=getattr(rule, name),
                )
            for name in RULE_CHOICES:
                self.fields[f"{rule.level}-{name}"] = forms.ChoiceField(
                    label=capfirst(LevelRule._meta.get_field(name).verbose_name),
                    choices=BelowMinSample.choices,
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
                    **{
                        name: data[f"{rule.level}-{name}"]
                        for name in RULE_COUNTS + RULE_FLAGS + RULE_CHOICES
                    },
                }
                for rule in self.rules
            },
            "engagement_titles": {e.number: data[f"title-{e.number}"] for e in self.engagements},
            "criterion_weights": {
                c.code: data[f"weight-{c.pk}"] for e in self.engagements for c in e.criteria.all()
            },
        }
