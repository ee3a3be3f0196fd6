import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .enums import ENGAGEMENT_NUMBERS, ActionSource, ActionStatus, MaturityLevel
from .models import User


class LoginForm(AuthenticationForm):
    """Sign-in by e-mail address and password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        # No autofocus: keyboard and screen-reader users start at the skip links, as on every
        # other page (RGAA 12.7).
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Incorrect e-mail address or password. After five failed attempts in a row the "
            "account is locked for a while."
        ),
        "inactive": _("This account is deactivated."),
    }


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(SetPasswordForm):
    """Choose a new password after following the e-mailed link."""


# --- Self-assessment and action plan ---------------------------------------------------------

TEXT_LIMIT = 5000


def engagement_choices() -> list[tuple[int, str]]:
    return [
        (number, _("Engagement %(number)s") % {"number": number}) for number in ENGAGEMENT_NUMBERS
    ]


def _textarea(label, help_text="", *, required=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _date_field(label, help_text="", *, required=True):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


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


class ActionForm(forms.Form):
    """Create or edit an open action of the plan."""

    engagement_number = forms.TypedChoiceField(
        label=_("Engagement"), coerce=int, choices=engagement_choices
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _textarea(_("Description"))
    source_type = forms.ChoiceField(
        label=_("Source"), choices=ActionSource.choices, help_text=_("What led to this action.")
    )
    source_reference = forms.CharField(
        label=_("Source reference"),
        max_length=200,
        required=False,
        help_text=_("For example: the survey campaign, the audit finding or the review concerned."),
    )
    owner_user = forms.ModelChoiceField(
        label=_("Owner (account)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A quality referent of the centre, or fill in the field below."),
    )
    owner_name = forms.CharField(
        label=_("Owner (name or team)"),
        max_length=200,
        required=False,
        help_text=_("For example: the team leader of the callback unit."),
    )
    due_date = _date_field(_("Due date"), _("Format: dd/mm/yyyy."))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)],
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    indicator = forms.CharField(
        label=_("Indicator to move"),
        max_length=200,
        help_text=_("The result this action should improve, for example the callback rate."),
    )
    is_published = forms.BooleanField(
        label=_("Publish this action on the centre's public action plan"), required=False
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner_user"].queryset = owners

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner_user") and not (cleaned.get("owner_name") or "").strip():
            self.add_error("owner_name", _("Name the owner of the action (a person or a team)."))
        return cleaned


class ActionCloseForm(forms.Form):
    """Close an action as done: what was measured to check it worked, and when."""

    effectiveness_check = _textarea(
        _("Effectiveness check"),
        _("What did you measure to check the action worked, and what did you find?"),
        required=True,
    )
    checked_on = _date_field(_("Checked on"), _("Format: dd/mm/yyyy."))


class ActionAbandonForm(forms.Form):
    reason = _textarea(_("Reason"), _("Why the action is abandoned."), required=True)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ActionStatus.choices]
    )
    engagement = forms.TypedChoiceField(
        label=_("Engagement"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=lambda: [("", _("All")), *engagement_choices()],
    )


# Control characters (tab and line breaks excepted), bidirectional overrides, which can disguise
# a text, and U+FFFD, what is left of bytes that were not UTF-8.
FORBIDDEN_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]"
)


class SingleValuesMixin:
    """Refuses a field sent twice (a robot, or a tampered form) instead of silently keeping its
    last value; multiple-choice fields may repeat. With `refuse_disguising_characters`, text
    fields also refuse the FORBIDDEN_CHARACTERS."""

    single_value_message = _("Give a single value to this field.")
    refuse_disguising_characters = False

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                continue
            if hasattr(self.data, "getlist") and len(self.data.getlist(self.add_prefix(name))) > 1:
                self.add_error(name, self.single_value_message)
            elif (
                self.refuse_disguising_characters
                and isinstance(field, forms.CharField)
                and isinstance(cleaned.get(name), str)
                and FORBIDDEN_CHARACTERS.search(cleaned[name])
            ):
                self.add_error(name, _("This text contains characters that are not allowed."))
        return cleaned
