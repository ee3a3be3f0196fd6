"""Forms of the people pages: a role and its scope (offered within the manager's rights), an
invitation, and the password chosen from an invitation link."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ..enums import Role
from ..models import RoleAssignment
from ..services.people import RoleGrant
from .common import SingleValuesMixin


class RoleForm(SingleValuesMixin, forms.Form):
    """A role with its scope; the choices are those the manager may grant."""

    refuse_disguising_characters = True

    role = forms.ChoiceField(label=_("Role"))
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=None, required=False, help_text=_("For a quality referent.")
    )
    network = forms.ModelChoiceField(
        label=_("Network"), queryset=None, required=False, help_text=_("For a correspondent.")
    )
    certification_body = forms.ModelChoiceField(
        label=_("Certification body"),
        queryset=None,
        required=False,
        help_text=_("For an auditor."),
    )
    is_body_lead = forms.BooleanField(
        label=_("Lead of the certification body (manages its auditors)"), required=False
    )

    def __init__(self, *args, rights, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["role"].choices = [c for c in Role.choices if c[0] in rights.roles]
        self.fields["centre"].queryset = rights.centres.select_related("structure")
        self.fields["network"].queryset = rights.networks
        self.fields["certification_body"].queryset = rights.bodies
        for name, queryset in (("network", rights.networks), ("certification_body", rights.bodies)):
            if not rights.is_ditp and not queryset.exists():
                del self.fields[name]
        if not rights.is_ditp:
            del self.fields["is_body_lead"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        assignment = RoleAssignment(
            user=self.person,
            role=cleaned["role"],
            centre=cleaned.get("centre"),
            network=cleaned.get("network"),
            certification_body=cleaned.get("certification_body"),
            is_body_lead=cleaned.get("is_body_lead", False),
        )
        try:
            assignment.clean()
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return cleaned
        if self.person is not None and assignment.same_role_exists():
            self.add_error(None, _("This person already holds this role with this scope."))
        return cleaned

    def grant(self) -> RoleGrant:
        data = self.cleaned_data
        return RoleGrant(
            role=data["role"],
            centre=data.get("centre"),
            network=data.get("network"),
            certification_body=data.get("certification_body"),
            is_body_lead=data.get("is_body_lead", False),
        )


class InvitationForm(RoleForm):
    """A new person: e-mail address, name, and their first role."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    field_order = ["email", "full_name", "role", "centre", "network", "certification_body"]


class ChoosePasswordForm(SetPasswordForm):
    """The password a new person chooses from their invitation link."""
