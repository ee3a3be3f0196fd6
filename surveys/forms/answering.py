"""The survey form (one field per question) and its validation."""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from centres.forms.common import SingleValuesMixin

from ..enums import QuestionKind, choices_for
from ..models import COMMENT_MAX_LENGTH, Question
from ..services.answering import AnswerInput

HONEYPOT_FIELD = "website"
QUESTIONS_TEMPLATE = "surveys/answering/_questions.html"

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
