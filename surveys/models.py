"""Questionnaires, campaigns, invitations, anonymous responses and their daily rollups.

Anonymity by construction: a Response row has no reference to its invitation, no IP address,
no user agent and no time of day; an Invitation only knows on which day it was used."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, Structure

from .enums import Audience, Channel, QuestionKind

COMMENT_MAX_LENGTH = 2000


class Questionnaire(models.Model):
    """One version of a questionnaire. Frozen once a campaign uses it: edits make a new version."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    name = models.CharField(_("name"), max_length=200)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Question(models.Model):
    """A question of a questionnaire version, tagged with the engagement it measures."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    # An engagement NUMBER of the referential in force (1..8), not a foreign key: surveys does
    # not depend on labelling. Empty means the overall question.
    engagement_number = models.PositiveSmallIntegerField(
        _("engagement number"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the overall question."),
    )
    is_headline = models.BooleanField(
        _("headline question"),
        default=False,
        help_text=_("The agent survey's published figure (feeling part of the approach)."),
    )
    required = models.BooleanField(_("required"), default=True)
    text_fr = models.CharField(_("wording in French"), max_length=400)
    text_en = models.CharField(_("wording in English"), max_length=400)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="unique_question_position"
            ),
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_question_code"),
            models.CheckConstraint(
                name="question_engagement_number_range",
                condition=Q(engagement_number__isnull=True)
                | Q(engagement_number__gte=1, engagement_number__lte=20),
            ),
        ]

    def __str__(self) -> str:
        return self.text_fr

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_fr

    @property
    def field_name(self) -> str:
        return f"q_{self.code}"


class Campaign(models.Model):
    """A survey run: a questionnaire version sent to a structure's centres between two dates."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns"
    )
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="campaigns")
    centres = models.ManyToManyField(Centre, related_name="survey_campaigns", blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    link_validity_days = models.PositiveSmallIntegerField(_("link validity (days)"), default=14)
    api_key_hash = models.CharField(_("API key (hash)"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "slug"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_closes_after_opening",
                condition=Q(closes_on__gte=models.F("opens_on")),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A single-use link. Only the SHA-256 of its token is stored; it never knows its response."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    # The day only: a time would let anyone match invitations to responses by order.
    used_on = models.DateField(_("used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class Response(models.Model):
    """An anonymous answer sheet: campaign, centre, questionnaire version and day. Nothing else."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["campaign", "day"])]

    def __str__(self) -> str:
        return f"{self.campaign} {self.day}"


class Answer(models.Model):
    """The answer to one question: a scale value, or the text of a free comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("value"), max_length=20, blank=True)
    text = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="unique_answer_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value or self.text[:40]}"


class DailyRollup(models.Model):
    """How many answers a question received with a given value, per centre and day.

    Results read only these rows; they are incremented in the transaction of each response."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rollups")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="rollups")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    value = models.CharField(_("value"), max_length=20)
    # Concurrent answers increment one of a few rows picked at random, not a single hot row
    # that every submission of the day would queue on; reads sum the shards.
    shard = models.PositiveSmallIntegerField(_("shard"), default=0)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "question", "centre", "day", "value", "shard"],
                name="unique_rollup_cell",
            )
        ]
        indexes = [models.Index(fields=["campaign", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.value}: {self.count}"


class AgentContact(models.Model):
    """An agent's e-mail address for one campaign. Deleted when the campaign closes.

    It points at its invitation (to remind those who have not answered); the invitation knows
    only that it was used, never which response is its."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail address"))
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact"
    )
    invited_on = models.DateField(_("invited on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent contact")
        verbose_name_plural = _("agent contacts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="unique_contact_email")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"
