"""The form of a new questionnaire version: the source's questions, edited, added or removed."""

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centres.enums import ENGAGEMENT_NUMBERS
from centres.forms.common import SingleValuesMixin

from ..enums import Audience, QuestionKind
from ..models import Question, Questionnaire
from ..queries.results import SCALE_KINDS
from ..services.questionnaires import QuestionData, questionnaire_changes

TEXT_MAX_LENGTH = Question._meta.get_field("text_fr").max_length
CODE_MAX_LENGTH = Question._meta.get_field("code").max_length
# Blank rows offered below the questions, to add some without JavaScript.
EXTRA_ROWS = 3
MAX_QUESTIONS = 60
HEADLINE_KINDS = (*SCALE_KINDS, QuestionKind.YES_NO)
OVERALL = ""


def _text_errors(required_message) -> dict:
    return {
        "required": required_message,
        "max_length": _(
            "This wording is too long: %(limit_value)d characters at most (it has %(show_value)d)."
        ),
        "null_characters_not_allowed": _("This text contains characters that are not allowed."),
    }


class QuestionForm(SingleValuesMixin, forms.Form):
    """One question of the new version (a row of the formset)."""

    refuse_disguising_characters = True

    code = forms.SlugField(
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("Letters, digits, hyphens and underscores; unique in the questionnaire."),
        error_messages={
            "required": _("Give the question a code."),
            "invalid": _("The code uses letters, digits, hyphens and underscores only."),
            "max_length": _("The code is too long: %(limit_value)d characters at most."),
        },
    )
    text_fr = forms.CharField(
        label=_("Wording in French"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_text_errors(_("Give the wording in French.")),
    )
    text_en = forms.CharField(
        label=_("Wording in English"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_text_errors(_("Give the wording in English.")),
    )
    engagement_number = forms.TypedChoiceField(
        label=_("Engagement measured"),
        help_text=_("None for the overall question (or a comment)."),
        choices=[
            (OVERALL, _("None: overall satisfaction")),
            *[(n, _("Engagement %(number)s") % {"number": n}) for n in ENGAGEMENT_NUMBERS],
        ],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose an engagement from 1 to 8, or none for the overall question."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Type of answer"),
        choices=[("", _("Choose a type")), *QuestionKind.choices],
        error_messages={
            "required": _("Choose the type of answer."),
            "invalid_choice": _("Choose one of the types offered."),
        },
    )
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)
    is_headline = forms.BooleanField(
        label=_("Headline question (the published figure of the agent survey)"),
        required=False,
    )
    order = forms.IntegerField(
        label=_("Order"),
        help_text=_("Questions are shown by increasing order; empty: at the end."),
        min_value=1,
        max_value=999,
        required=False,
        error_messages={
            "invalid": _("Give a whole number."),
            "min_value": _("Give an order from 1 to 999."),
            "max_value": _("Give an order from 1 to 999."),
        },
    )

    def __init__(self, *args, audience: str, **kwargs):
        super().__init__(*args, **kwargs)
        if audience != Audience.AGENT:
            # Only the agent survey has a headline question.
            del self.fields["is_headline"]

    def question(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(
            code=data["code"],
            kind=data["kind"],
            engagement_number=data["engagement_number"],
            required=data["required"],
            text_fr=data["text_fr"],
            text_en=data["text_en"],
            is_headline=data.get("is_headline", False),
        )


class BaseQuestionFormSet(forms.BaseFormSet):
    """The rules across questions: at least one, unique codes, the agent survey's headline."""

    def __init__(self, *args, source: Questionnaire, source_questions: list[Question], **kwargs):
        self.source = source
        self.source_questions = [QuestionData.of(q) for q in source_questions]
        kwargs.setdefault("form_kwargs", {})["audience"] = source.audience
        if not args or args[0] is None:
            kwargs["initial"] = [
                {**dataclasses.asdict(q), "order": position}
                for position, q in enumerate(self.source_questions, start=1)
            ]
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this question from the new version")

    def kept_forms(self) -> list[QuestionForm]:
        """The rows that make the new version, by order (then by place in the form)."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() or index < self.initial_form_count()
        ]
        kept = [(i, f) for i, f in kept if not self._should_delete_form(f)]
        return [
            form
            for _index, form in sorted(
                kept, key=lambda pair: (pair[1].cleaned_data.get("order") or 1000, pair[0])
            )
        ]

    def questions(self) -> list[QuestionData]:
        return [form.question() for form in self.kept_forms()]

    def clean(self):
        if any(self.errors):
            return
        forms_kept = self.kept_forms()
        if not forms_kept:
            raise forms.ValidationError(_("Keep at least one question."))
        seen = {}
        for form in forms_kept:
            code = form.cleaned_data["code"]
            if code in seen:
                form.add_error(
                    "code",
                    _("Two questions have the code « %(code)s »: each code must be unique.")
                    % {"code": code},
                )
            seen[code] = form
        if any(self.errors):
            raise forms.ValidationError(_("Each question needs its own code."))
        if self.source.audience == Audience.AGENT:
            headlines = [f for f in forms_kept if f.cleaned_data.get("is_headline")]
            if len(headlines) != 1:
                raise forms.ValidationError(
                    ngettext(
                        "Mark exactly one question as the headline question (%(count)s is).",
                        "Mark exactly one question as the headline question (%(count)s are).",
                        len(headlines),
                    )
                    % {"count": len(headlines)}
                )
            if headlines[0].cleaned_data["kind"] not in HEADLINE_KINDS:
                headlines[0].add_error(
                    "kind",
                    _(
                        "The headline question is answered on an agreement or satisfaction "
                        "scale, or by yes or no."
                    ),
                )
                raise forms.ValidationError(_("The headline question cannot be a free comment."))
        self.changes = questionnaire_changes(self.source_questions, self.questions())
        if not self.changes:
            raise forms.ValidationError(
                _("Nothing changed compared with version %(version)s: change a question first.")
                % {"version": self.source.version}
            )


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS,
    validate_max=True,
)
