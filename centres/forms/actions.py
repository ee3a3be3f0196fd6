"""Forms of the action plan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import ActionSource, ActionStatus
from ..models import User
from .common import _date_field, _textarea, engagement_choices


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
