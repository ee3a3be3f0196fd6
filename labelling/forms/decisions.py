"""Forms of the decision steps: outcome, reasons, appeal review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import AppealOutcome, Outcome
from ._common import TEXT_LIMIT, StrictForm


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


class ConfirmationForm(StrictForm):
    """A second decider's answer to a derogation, with their own motivation."""

    note = forms.CharField(
        label=_("Your motivation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
    )
