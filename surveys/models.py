"""Questionnaires, campaigns, invitations, anonymous responses and their daily rollups.

Anonymity by construction: a Response row has no reference to its invitation, no IP address,
no user agent and no time of day; an Invitation only knows that it was used. A submission
drops its sheet into the sealed holding table (Ballot); the mixer (surveys.services.ballot)
moves sheets into responses in shuffled batches of at least k, so that no writing transaction,
row order or shared attribute ties a response to its link."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Action, Centre, Structure, User

from .enums import (
    Audience,
    Channel,
    ExportFormat,
    ExportKind,
    ExportStatus,
    QuestionKind,
    RejectionReason,
    ReviewChannel,
    ReviewFeeling,
    ReviewState,
)

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
    # Last sealed day: the daily rollups through it are merged into one shard and have their
    # running totals in CumulativeRollup (surveys.services.rollups); None: nothing sealed yet.
    rollups_sealed_through = models.DateField(
        _("rollups sealed through"), null=True, blank=True, editable=False
    )
    # Sheets destroyed unread at the close because their centre had fewer than k in all
    # (surveys.services.ballot): counting them would publish a batch smaller than k.
    ballots_discarded = models.PositiveIntegerField(
        _("sheets discarded at the close"), default=0, editable=False
    )
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
    # Unique through a constraint, not unique=True: that would add on PostgreSQL a second,
    # pattern-matching index on the hash, never used and a fifth of the cost of issuing links.
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    # A flag, no date: a day or a time would let anyone match invitations to responses.
    used = models.BooleanField(_("used"), default=False, db_default=False)
    # Claimed since the mixer's last batch of its centre: that batch's transaction rewrites
    # the row, so links and responses share no writing transaction but a batch's.
    mix_pending = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="unique_invitation_token_hash")
        ]
        indexes = [
            models.Index(
                fields=["campaign", "centre"],
                name="invitation_mix_pending",
                condition=Q(mix_pending=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class Ballot(models.Model):
    """A sealed answer sheet waiting in the ballot box for the mixer: campaign, centre and the
    answers as JSON ([[question id, value, text], ...]). No link, no date, no time.

    No page, export or admin reads its rows; staff see only how many wait
    (« réponses en attente de dépouillement »). The mixer deletes them as it counts them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    sheet = models.TextField()

    class Meta:
        verbose_name = _("sealed answer sheet")
        verbose_name_plural = _("sealed answer sheets")
        indexes = [models.Index(fields=["campaign", "centre"], name="ballot_campaign_centre")]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class Response(models.Model):
    """An anonymous answer sheet: campaign, centre, questionnaire version and day. Nothing else.

    The day is the day the mixer counted it for citizens, the campaign's first day for agents
    (agent results exist only over the whole campaign)."""

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


class MaskedName(models.Model):
    """A name a referent marked in a centre's survey comments: masked in every comment of the
    centre, those already counted and those to come (surveys.masking)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    marked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("masked name")
        verbose_name_plural = _("masked names")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="unique_masked_name")
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.name}"


class DailyRollup(models.Model):
    """How many answers a question received with a given value, per centre and day.

    Results read only these rows; they are incremented in the transaction of each response."""

    # No index of its own: the unique index, (campaign, day, ...) first, serves it and every
    # read, which bounds days per campaign (an index on the campaign, the question or the
    # centre alone would tempt the planner into reading every day of a campaign; questions and
    # centres with answers are not deleted, so their foreign keys need no index of their own).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="rollups", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="rollups", db_index=False
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", db_index=False)
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
                fields=["campaign", "day", "question", "centre", "value", "shard"],
                name="unique_rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.value}: {self.count}"


class CumulativeRollup(models.Model):
    """Running totals: the answers a cell received from the campaign's first answer through
    `day`, for each sealed day (surveys.services.rollups.rollups_seal).

    Any sealed range of days is then the difference of two days' rows, whatever its length:
    results read two days of these rows and the daily rows of the days not sealed yet
    (surveys.queries.results.period_counts). A cell appears from its first answer on, every day."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="cumulative_rollups", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    value = models.CharField(_("value"), max_length=20)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("cumulative rollup")
        verbose_name_plural = _("cumulative rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "day", "question", "centre", "value"],
                name="unique_cumulative_rollup_cell",
            )
        ]

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


# --- Citizen reviews ("Je donne mon avis") ----------------------------------------------------

REVIEW_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 4000
# The programme's promise: every published review is answered within a week of publication.
REVIEW_ANSWER_DAYS = 7
# Reminders to the centre's referents, in days after publication, before the breach.
REVIEW_REMINDER_DAYS = (3, 5)


class Review(models.Model):
    """A citizen's review of a centre: moderated, then published with the centre's reply.

    Nobody signs in to give one, and nothing about its author is kept (no IP address, no user
    agent). The clock for the reply starts at publication: reminders at day 3 and day 5, a
    breach at day 7 (surveys.services.reviews). When moderation masks personal data, the
    masked text replaces the original, which is not kept."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    experience = models.TextField(_("experience"), max_length=REVIEW_MAX_LENGTH)
    feeling = models.CharField(_("feeling"), max_length=10, choices=ReviewFeeling.choices)
    channel = models.CharField(_("contact channel"), max_length=10, choices=ReviewChannel.choices)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    is_masked = models.BooleanField(_("personal data masked"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reply = models.TextField(_("public reply"), blank=True, max_length=REPLY_MAX_LENGTH)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    # The clock's bookkeeping: when each reminder went out and when the week ran out.
    reminded_day3_at = models.DateTimeField(_("day-3 reminder sent at"), null=True, blank=True)
    reminded_day5_at = models.DateTimeField(_("day-5 reminder sent at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("deadline missed at"), null=True, blank=True)
    # The action of the centre's plan this review led to (the review points at the action).
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action it led to"),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("citizen review")
        verbose_name_plural = _("citizen reviews")
        indexes = [
            models.Index(fields=["centre", "state", "published_at"], name="review_centre_state"),
            models.Index(fields=["state", "submitted_at"], name="review_state_submitted"),
            models.Index(
                fields=["published_at"],
                name="review_awaiting_reply",
                condition=Q(state=ReviewState.PUBLISHED, replied_at__isnull=True),
            ),
            # The open-data API reads published reviews in publication order (a keyset cursor).
            models.Index(
                fields=["published_at", "id"],
                name="review_published_cursor",
                condition=Q(state=ReviewState.PUBLISHED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="review_state_valid", condition=Q(state__in=ReviewState.values)
            ),
            models.CheckConstraint(
                name="review_feeling_valid", condition=Q(feeling__in=ReviewFeeling.values)
            ),
            models.CheckConstraint(
                name="review_channel_valid", condition=Q(channel__in=ReviewChannel.values)
            ),
            models.CheckConstraint(
                name="review_experience_max_length",
                condition=LessThanOrEqual(Length("experience"), REVIEW_MAX_LENGTH),
            ),
            models.CheckConstraint(
                name="review_reply_max_length",
                condition=LessThanOrEqual(Length("reply"), REPLY_MAX_LENGTH),
            ),
            # Only a rejection for personal data erases the text (nothing of it is kept).
            models.CheckConstraint(
                name="review_has_text",
                condition=~Q(experience="")
                | Q(state=ReviewState.REJECTED, rejection_reason=RejectionReason.PERSONAL_DATA),
            ),
            models.CheckConstraint(
                name="published_review_has_date",
                condition=(Q(state=ReviewState.PUBLISHED) & Q(published_at__isnull=False))
                | (~Q(state=ReviewState.PUBLISHED) & Q(published_at__isnull=True, is_masked=False)),
            ),
            models.CheckConstraint(
                name="rejected_review_has_reason",
                condition=(Q(state=ReviewState.REJECTED) & ~Q(rejection_reason=""))
                | (~Q(state=ReviewState.REJECTED) & Q(rejection_reason="")),
            ),
            models.CheckConstraint(
                name="moderated_review_has_date",
                condition=Q(state=ReviewState.PENDING) | Q(moderated_at__isnull=False),
            ),
            models.CheckConstraint(
                name="reply_only_when_published",
                condition=Q(reply="", replied_at__isnull=True)
                | (Q(state=ReviewState.PUBLISHED, replied_at__isnull=False) & ~Q(reply="")),
            ),
            models.CheckConstraint(
                name="review_clock_only_when_published",
                condition=Q(state=ReviewState.PUBLISHED)
                | Q(
                    reminded_day3_at__isnull=True,
                    reminded_day5_at__isnull=True,
                    breached_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == ReviewState.PUBLISHED

    @property
    def is_pending(self) -> bool:
        return self.state == ReviewState.PENDING

    @property
    def deadline(self):
        """When the reply is due: a week after publication (None before publication)."""
        if self.published_at is None:
            return None
        return self.published_at + timedelta(days=REVIEW_ANSWER_DAYS)

    def answered_in_time(self) -> bool:
        return self.replied_at is not None and self.replied_at <= self.deadline

    def days_left(self, now) -> int | None:
        """Whole days left to reply (0 on the last day, negative once late); None if answered."""
        if not self.is_published or self.replied_at is not None:
            return None
        remaining = self.deadline - now
        return remaining.days

    def is_late(self, now) -> bool:
        """Published, not answered and past the week."""
        return self.is_published and self.replied_at is None and now > self.deadline


# --- Exports prepared in the background ------------------------------------------------------


class ExportJob(models.Model):
    """An export too large for one request, written by a Celery worker to a private file.

    It keeps the centres the requester could see when asking, so the file covers that scope
    even if the export runs later or runs again."""

    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("export"), max_length=10, choices=ExportKind.choices)
    fmt = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    centres = models.ManyToManyField(Centre, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    # Relative to settings.EXPORT_ROOT, a private folder that no URL serves.
    file_path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    # Each run claims the job with a new attempt number; an older run that sees another number
    # stops (it was superseded), so two runs never finish the same job.
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.kind}.{self.fmt} #{self.pk}"

    @property
    def filename(self) -> str:
        """The name the browser saves the file under."""
        return f"{self.campaign.slug}-{self.kind}.{self.fmt}"

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the number of rows is unknown."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class SurveyImport(models.Model):
    """The answer sheets of a campaign run by an outside institute, imported once: the log of who
    brought which file (its SHA-256) and when. A campaign with one is « importée »."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="survey_import"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sheets = models.PositiveIntegerField(_("answer sheets"))
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("imported survey")
        verbose_name_plural = _("imported surveys")

    def __str__(self) -> str:
        return f"{self.campaign} — {self.filename}"
