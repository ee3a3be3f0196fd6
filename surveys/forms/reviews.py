"""Forms of citizen reviews: the public form, moderation, the referent's reply, the list filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms.common import FORBIDDEN_CHARACTERS, SingleValuesMixin
from centres.models import Action

from ..enums import RejectionReason, ReviewChannel, ReviewFeeling
from ..models import REPLY_MAX_LENGTH, REVIEW_MAX_LENGTH
from .answering import HONEYPOT_FIELD

__all__ = ["HONEYPOT_FIELD", "ReviewForm"]

TEXT_ERRORS = {
    "required": _("Please describe your experience."),
    "max_length": _(
        "Your text is too long: %(limit_value)d characters at most (it has %(show_value)d)."
    ),
    "null_characters_not_allowed": _("Your text contains characters that are not allowed."),
}
CHOICE_ERRORS = {
    "required": _("Please choose an answer."),
    "invalid_choice": _("Choose one of the options offered."),
}


def _clean_text(value: str) -> str:
    if FORBIDDEN_CHARACTERS.search(value):
        raise forms.ValidationError(_("Your text contains characters that are not allowed."))
    return value


class _SingleValues(SingleValuesMixin, forms.Form):
    """Refuses a field sent twice (a robot, or a tampered form) instead of keeping the last."""

    single_value_message = _("Give a single answer to this question.")


class ReviewForm(_SingleValues):
    """The citizen's review of a centre: their experience, how they felt, how they got in touch."""

    experience = forms.CharField(
        label=_("Your experience"),
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages=TEXT_ERRORS,
    )
    feeling = forms.ChoiceField(
        label=_("Overall, how do you feel about this contact?"),
        choices=ReviewFeeling.choices,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    channel = forms.ChoiceField(
        label=_("How were you in contact with the centre?"),
        choices=ReviewChannel.choices,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request (a lazy string would be read at import).
        self.fields["experience"].help_text = _(
            "Tell what happened and what could be improved, in %(limit)d characters at most. "
            "Do not write your name, tax number, address or any other personal data."
        ) % {"limit": REVIEW_MAX_LENGTH}

    def clean_experience(self) -> str:
        return _clean_text(self.cleaned_data["experience"])

    @property
    def is_spam(self) -> bool:
        """True when the invisible honeypot field was filled in (by a robot)."""
        return bool(self.data.get(HONEYPOT_FIELD))


class ReviewPublishForm(_SingleValues):
    """Publish a review, with personal data masked in its text if need be."""

    text = forms.CharField(
        label=_("Text to publish"),
        help_text=_(
            "Replace any personal data (names, numbers, addresses) with « [masqué] ». If you "
            "change the text, the original is deleted and the review is marked as masked."
        ),
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={**TEXT_ERRORS, "required": _("Write the text to publish.")},
    )

    def clean_text(self) -> str:
        return _clean_text(self.cleaned_data["text"])


class ReviewRejectForm(_SingleValues):
    reason = forms.ChoiceField(
        label=_("Reason for rejection"),
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )


class ReviewReplyForm(_SingleValues):
    """The centre's public reply, and the action of its plan the review led to, if any."""

    reply = forms.CharField(
        label=_("Public reply of the centre"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={**TEXT_ERRORS, "required": _("Write the reply.")},
    )
    action = forms.ModelChoiceField(
        label=_("Action of the plan this review led to (optional)"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("No action"),
        error_messages={"invalid_choice": _("Choose one of the options offered.")},
    )

    def __init__(self, *args, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].help_text = _(
            "Published under the review, in %(limit)d characters at most. Do not name the "
            "citizen or the agents."
        ) % {"limit": REPLY_MAX_LENGTH}
        if actions is not None:
            self.fields["action"].queryset = actions

    def clean_reply(self) -> str:
        return _clean_text(self.cleaned_data["reply"])


ANSWER_FILTERS = [
    ("", _("All")),
    ("to_answer", _("To answer")),
    ("late", _("Late to reply")),
    ("answered", _("Answered")),
]


class ReviewFilterForm(forms.Form):
    """Filters of the referents' list of published reviews."""

    status = forms.ChoiceField(label=_("Reply status"), required=False, choices=ANSWER_FILTERS)
    centre = forms.ChoiceField(label=_("Centre"), required=False)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("All centres within your scope"))] + [
            (c.code, c.name) for c in centres
        ]
