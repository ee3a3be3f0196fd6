"""The self-assessment form of one engagement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import MaturityLevel
from .common import _textarea


class SelfAssessmentEntryForm(forms.Form):
    """The referent's view of one engagement (prefix: the engagement number)."""

    maturity_level = forms.ChoiceField(
        label=_("Maturity level"),
        required=False,
        choices=[("", _("Not assessed yet")), *MaturityLevel.choices],
    )
    strengths = _textarea(_("Strengths"), _("What already works, with examples."))
    gaps = _textarea(_("Gaps"), _("What falls short of the engagement."))
    evidence = _textarea(_("Evidence"), _("Documents, figures or observations behind it."))
