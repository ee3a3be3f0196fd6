"""Forms of the campaign pages: create a campaign, issue links. Agents' contact lists."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from centres.forms.common import SingleValuesMixin
from centres.models import Centre, Structure

from ..enums import Audience, Channel
from ..models import Campaign, Questionnaire
from .answering import CHOICE_ERRORS, TEXT_ERRORS

MAX_CONTACTS_PER_UPLOAD = 5000


class AgentContactsForm(forms.Form):
    """A list of agents' e-mail addresses for one centre, pasted one per line."""

    centre = forms.ChoiceField(label=_("Centre"))
    emails = forms.CharField(
        label=_("Agents' e-mail addresses"),
        help_text=_("One address per line (or separated by commas or semicolons)."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=400_000,
        error_messages=TEXT_ERRORS,
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {c.code: c for c in centres}
        self.fields["centre"].choices = [(c.code, c.name) for c in centres]
        self.fields["centre"].error_messages.update(CHOICE_ERRORS)

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(";", "\n").replace(",", "\n")
        lines = [line.strip() for line in raw.splitlines()]
        addresses, wrong = [], []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                validate_email(line)
            except ValidationError:
                wrong.append(str(number))
            else:
                addresses.append(line.lower())
        if wrong:
            raise ValidationError(
                _("These lines are not valid e-mail addresses: %(lines)s.")
                % {"lines": ", ".join(wrong[:20])}
            )
        if not addresses:
            raise ValidationError(_("Please answer this question."))
        if len(addresses) > MAX_CONTACTS_PER_UPLOAD:
            raise ValidationError(
                _("At most %(limit)d addresses at a time.") % {"limit": MAX_CONTACTS_PER_UPLOAD}
            )
        return sorted(set(addresses))

    def selected_centre(self):
        return self.centres[self.cleaned_data["centre"]]


# Above this, links are issued by `manage.py issue_invitations` (a file written on the server),
# not in a web request.
LINKS_PER_REQUEST_MAX = 10_000
# Words of the campaign pages' addresses (enquetes/campagnes/nouvelle/) a slug would hide.
RESERVED_SLUGS = {"nouvelle"}
ALL_CENTRES = "*"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuestionnaireChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Questionnaire) -> str:
        return _("%(name)s — version %(version)d (%(audience)s)") % {
            "name": obj.name,
            "version": obj.version,
            "audience": Audience(obj.audience).label,
        }


class CampaignCreateForm(SingleValuesMixin, forms.Form):
    """A new campaign: a questionnaire version sent to some centres of one structure."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Lowercase letters, digits and hyphens; it appears in the pages' addresses."),
        error_messages={
            "invalid": _("Use only lowercase letters, digits, hyphens and underscores.")
        },
    )
    questionnaire = QuestionnaireChoiceField(
        label=_("Questionnaire version"),
        queryset=Questionnaire.objects.order_by("-created_at", "-pk"),
        empty_label=None,
    )
    structure = forms.ModelChoiceField(
        label=_("Labelled structure"),
        queryset=Structure.objects.filter(is_active=True).order_by("name"),
        empty_label=None,
    )
    centres = forms.TypedMultipleChoiceField(
        label=_("Centres surveyed"),
        help_text=_("Only centres of the chosen structure."),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one centre.")},
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE_WIDGET)
    closes_on = forms.DateField(
        label=_("Closes on"),
        help_text=_("Links stop working at the end of this day."),
        widget=DATE_WIDGET,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    link_validity_days = forms.IntegerField(
        label=_("Link validity (days)"),
        help_text=_("From 1 to 365 days, and never past the closing day."),
        min_value=1,
        max_value=365,
        initial=14,
    )

    def __init__(self, *args, structure: Structure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        centres = list(
            # A deactivated centre or structure takes no new campaign (centres' organisation).
            Centre.objects.filter(is_active=True, structure__is_active=True)
            .select_related("structure")
            .order_by("structure__name", "name")
        )
        several = len({c.structure_id for c in centres}) > 1
        self.centres_by_pk = {c.pk: c for c in centres}
        self.fields["centres"].choices = [
            (c.pk, f"{c.name} ({c.structure.name})" if several else c.name) for c in centres
        ]
        if structure is not None:
            self.initial.setdefault("structure", structure.pk)
            self.initial.setdefault(
                "centres", [c.pk for c in centres if c.structure_id == structure.pk]
            )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This code is reserved: choose another."))
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A campaign already has this code: choose another."))
        return slug

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        structure = data.get("structure")
        if structure is not None and data.get("centres"):
            chosen = [self.centres_by_pk[pk] for pk in data["centres"]]
            foreign = [c.name for c in chosen if c.structure_id != structure.pk]
            if foreign:
                self.add_error(
                    "centres",
                    _("Not a centre of « %(structure)s »: %(centres)s.")
                    % {"structure": structure.name, "centres": ", ".join(foreign)},
                )
            data["centres"] = chosen
        return data


class LinksIssueForm(SingleValuesMixin, forms.Form):
    """How many single-use links to issue, for one centre of the campaign or all of them."""

    count = forms.IntegerField(
        label=_("Number of links"),
        help_text=_("From 1 to 10,000."),
        min_value=1,
        error_messages={"required": _("Give the number of links to issue.")},
    )
    centre = forms.ChoiceField(label=_("Centre"), initial=ALL_CENTRES)

    def __init__(self, *args, centres: list[Centre], **kwargs):
        super().__init__(*args, **kwargs)
        self.centres_by_code = {c.code: c for c in centres}
        self.fields["centre"].choices = [
            (ALL_CENTRES, _("All the centres (links spread evenly)"))
        ] + [(c.code, c.name) for c in centres]

    def clean_count(self) -> int:
        count = self.cleaned_data["count"]
        if count > LINKS_PER_REQUEST_MAX:
            raise forms.ValidationError(
                _(
                    "At most %(max)s links at a time here. For more, run the command "
                    "« manage.py issue_invitations » on the server."
                )
                % {"max": "10 000"}
            )
        return count

    def selected_centres(self) -> list[Centre] | None:
        code = self.cleaned_data.get("centre")
        return None if code == ALL_CENTRES else [self.centres_by_code[code]]
