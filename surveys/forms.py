from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from centres.forms import SingleValuesMixin

from .enums import QuestionKind, choices_for
from .models import COMMENT_MAX_LENGTH, Question
from .services import AnswerInput

HONEYPOT_FIELD = "website"
QUESTIONS_TEMPLATE = "surveys/_questions.html"

CHOICE_ERRORS = {
    "required": _("Please answer this question."),
    "invalid_choice": _("Choose one of the options offered."),
}
TEXT_ERRORS = {
    "required": _("Please answer this question."),
    "max_length": _(
        "Your comment is too long: %(limit_value)d characters at most (it has %(show_value)d)."
    ),
    "null_characters_not_allowed": _("Your answer contains characters that are not allowed."),
}


def questions_key(questions: list[Question]) -> tuple:
    """Everything of the questions that shows on a blank survey page (to cache the page)."""
    return tuple((q.pk, q.code, q.kind, q.required, q.text_fr, q.text_en) for q in questions)


class SurveyForm(SingleValuesMixin, forms.Form):
    """The answer sheet of a questionnaire version: one field per question, plus a honeypot."""

    single_value_message = _("Give a single answer to this question.")

    def __init__(self, *args, questions: list[Question], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question.text(language)
            if question.kind == QuestionKind.COMMENT:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=COMMENT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages=TEXT_ERRORS,
                    help_text=_("%(limit)d characters at most.") % {"limit": COMMENT_MAX_LENGTH},
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    required=question.required,
                    choices=choices_for(question.kind),
                    widget=forms.RadioSelect,
                    error_messages=CHOICE_ERRORS,
                )
            self.fields[question.field_name] = field

    @property
    def is_spam(self) -> bool:
        """True when the invisible honeypot field was filled in (by a robot)."""
        return bool(self.data.get(HONEYPOT_FIELD))

    def questions_html(self) -> SafeString:
        """The DSFR fieldsets of every question (values and errors of a bound form included),
        from one template loop: no widget template per option."""
        errors = self.errors if self.is_bound else {}
        items = []
        for question in self.questions:
            name = question.field_name
            field = self.fields[name]
            items.append(
                {
                    "name": name,
                    "id": f"id_{name}",
                    "label": field.label,
                    "help_text": field.help_text,
                    "required": field.required,
                    "is_text": question.kind == QuestionKind.COMMENT,
                    "options": getattr(field, "choices", ()),
                    "max_length": getattr(field, "max_length", None),
                    "value": self.data.get(name, "") if self.is_bound else "",
                    "errors": errors.get(name, ()),
                }
            )
        return render_to_string(QUESTIONS_TEMPLATE, {"questions": items})

    def answers(self) -> list[AnswerInput]:
        result = []
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name) or ""
            if not value:
                continue
            if question.kind == QuestionKind.COMMENT:
                result.append(AnswerInput(question=question, text=value))
            else:
                result.append(AnswerInput(question=question, value=value))
        return result


class ResultsFilterForm(forms.Form):
    """Filters of the results page: campaign, centre (within scope) and period."""

    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, campaigns, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.slug, c.name) for c in campaigns]
        self.fields["centre"].choices = [("", _("All centres within your scope"))] + [
            (c.code, c.name) for c in centres
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must come after its start."))
        return cleaned


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
