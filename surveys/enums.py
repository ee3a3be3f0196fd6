from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    AGENT = "agent", _("Agents")


class QuestionKind(models.TextChoices):
    SATISFACTION_4 = "satisfaction_4", _("4-point satisfaction scale")
    AGREEMENT_4 = "agreement_4", _("4-point agreement scale")
    SCALE_5 = "scale_5", _("5-point scale")
    YES_NO = "yes_no", _("Yes or no")
    SCORE_10 = "score_10", _("Score from 0 to 10")
    COMMENT = "comment", _("Free comment")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    EMAIL = "email", _("E-mail")
    COUNTER = "counter", _("Front desk")
    WEB = "web", _("Website")


# Answer values of both 4-point scales. The same codes serve satisfaction and agreement: the
# rates (surveys.stats.Rate) read "very" and "rather" as positive, the two others as negative,
# and leave "dont_know" out of the base.
VERY = "very"
RATHER = "rather"
RATHER_NOT = "rather_not"
NOT_AT_ALL = "not_at_all"
DONT_KNOW = "dont_know"
FOUR_POINT_VALUES = (VERY, RATHER, RATHER_NOT, NOT_AT_ALL, DONT_KNOW)

SATISFACTION_LABELS = {
    VERY: _("Very satisfied"),
    RATHER: _("Rather satisfied"),
    RATHER_NOT: _("Rather dissatisfied"),
    NOT_AT_ALL: _("Not at all satisfied"),
    DONT_KNOW: _("Don't know / not concerned"),
}
AGREEMENT_LABELS = {
    VERY: _("Strongly agree"),
    RATHER: _("Rather agree"),
    RATHER_NOT: _("Rather disagree"),
    NOT_AT_ALL: _("Strongly disagree"),
    DONT_KNOW: _("Don't know / not concerned"),
}
YES_NO_LABELS = {"yes": _("Yes"), "no": _("No")}
SCALE_5_LABELS = {
    "5": _("5 – very good"),
    "4": "4",
    "3": "3",
    "2": "2",
    "1": _("1 – very poor"),
}


def choices_for(kind: str) -> list[tuple[str, str]]:
    """The (value, label) options a question of this kind offers, in display order."""
    if kind == QuestionKind.SATISFACTION_4:
        return list(SATISFACTION_LABELS.items())
    if kind == QuestionKind.AGREEMENT_4:
        return list(AGREEMENT_LABELS.items())
    if kind == QuestionKind.YES_NO:
        return list(YES_NO_LABELS.items())
    if kind == QuestionKind.SCALE_5:
        return list(SCALE_5_LABELS.items())
    if kind == QuestionKind.SCORE_10:
        return [(str(n), str(n)) for n in range(11)]
    return []


# --- Citizen reviews ("Je donne mon avis") ----------------------------------------------------


class ReviewFeeling(models.TextChoices):
    """How the citizen felt about their experience (as in the programme's open data)."""

    POSITIVE = "positive", _("Positive experience")
    NEUTRAL = "neutral", _("Neutral experience")
    NEGATIVE = "negative", _("Negative experience")


class ReviewChannel(models.TextChoices):
    """How the citizen was in contact with the centre."""

    PHONE = "phone", _("By telephone")
    EMAIL = "email", _("By e-mail")
    COUNTER = "counter", _("At the reception desk")
    ONLINE = "online", _("Online (website, secure messaging)")
    POST = "post", _("By post")
    OTHER = "other", _("Another way")


class ReviewState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("review state", "Awaiting moderation")
    REJECTED = "rejected", pgettext_lazy("review state", "Review rejected")
    PUBLISHED = "published", pgettext_lazy("review state", "Review published")


class RejectionReason(models.TextChoices):
    """Why moderation refused a review (recorded with the rejection)."""

    INSULT = "insult", _("Insulting or offensive content")
    PERSONAL_DATA = "personal_data", _("Personal data that cannot be masked")
    OUT_OF_SCOPE = "out_of_scope", _("Does not concern this public service")


# --- Exports prepared in the background ------------------------------------------------------


class ExportKind(models.TextChoices):
    RESPONSES = "responses", _("Anonymous responses")
    RESULTS = "results", _("Results")
    OPEN_DATA = "opendata", _("Open-data file")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "Queued")
    RUNNING = "running", pgettext_lazy("export status", "In progress")
    DONE = "done", pgettext_lazy("export status", "Ready")
    FAILED = "failed", pgettext_lazy("export status", "Failed")
