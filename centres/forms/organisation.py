"""Forms of the organisation pages: networks, structures, centres, certification bodies, and the
CSV import of structures and centres."""

from django import forms
from django.core.validators import MaxValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from ..models import Centre, CertificationBody, Network, Structure
from .common import SingleValuesMixin

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_AGENTS = 100_000

postal_code_validator = RegexValidator(r"^\d{5}$", _("A postal code has five digits."))


class _OrganisationForm(SingleValuesMixin, forms.ModelForm):
    """A code is chosen once (pages and history point to it); « active » appears when editing."""

    refuse_disguising_characters = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Not even shown as a disabled field (greyed out below the contrast minimum): the
            # code is in the page's title and cannot change once created.
            self.fields.pop("code")
        else:
            self.fields.pop("is_active", None)
            self.fields["code"].help_text = _(
                "Lower-case letters, digits and hyphens, for example « lille »."
            )


class NetworkForm(_OrganisationForm):
    class Meta:
        model = Network
        fields = ["code", "name", "is_active"]


class StructureForm(_OrganisationForm):
    class Meta:
        model = Structure
        fields = [
            "network",
            "code",
            "name",
            "typology",
            "phone_number",
            "contact_email",
            "is_active",
        ]

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["typology"].help_text = _("For example: telephone platform, reception desk.")


class CentreForm(_OrganisationForm):
    class Meta:
        model = Centre
        fields = ["structure", "code", "name", "city", "postal_code", "agents_count", "is_active"]

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["postal_code"].validators.append(postal_code_validator)
        self.fields["agents_count"].validators.append(MaxValueValidator(MAX_AGENTS))
        self.fields["agents_count"].widget.attrs["max"] = MAX_AGENTS


class CertificationBodyForm(_OrganisationForm):
    class Meta:
        model = CertificationBody
        fields = ["code", "name", "accreditation", "is_active"]


class UploadForm(SingleValuesMixin, forms.Form):
    """A CSV or XLSX file of at most `max_bytes`."""

    max_bytes = MAX_IMPORT_BYTES
    extensions = (".csv", ".xlsx")

    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(self.extensions):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).")
                % {"size": self.max_bytes // (1024 * 1024)}
            )
        return uploaded


class ConfirmUploadForm(SingleValuesMixin, forms.Form):
    """The confirmation of a previewed file: its SHA-256 and its name."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    filename = forms.CharField(max_length=255, widget=forms.HiddenInput)
