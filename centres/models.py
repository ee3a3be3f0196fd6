from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .enums import (
    ENGAGEMENT_NUMBERS,
    ActionEventKind,
    ActionSource,
    ActionStatus,
    MaturityLevel,
    Role,
    SelfAssessmentStatus,
)


class Network(models.Model):
    """A public-service network, such as the DGFiP, with a national correspondent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivated, it stays in the history but takes no new work."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Structure(models.Model):
    """The labelled structure: the service that applies for the label as a whole."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="structures")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    typology = models.CharField(_("typology"), max_length=120, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivated, it stays in the history but takes no new work."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("labelled structure")
        verbose_name_plural = _("labelled structures")

    def __str__(self) -> str:
        return self.name


class Centre(models.Model):
    """One site of a structure (for the DGFiP platform: one of its contact centres)."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="centres")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=10)
    agents_count = models.PositiveIntegerField(
        _("number of agents"),
        default=0,
        help_text=_("Agents working in the centre: the base of the agent participation rate."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivated, it stays in the history but takes no new work."),
    )

    class Meta:
        ordering = ["city"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name


class CertificationBody(models.Model):
    """An independent body approved by the national label commission to audit services."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    accreditation = models.CharField(_("accreditation reference"), max_length=200, blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivated, it stays in the history but takes no new work."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification body")
        verbose_name_plural = _("certification bodies")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Citizens and agents answering surveys never have an account."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("administration access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


ROLE_SCOPE_MESSAGE = _(
    "This role needs its own scope: a centre for a quality referent, a network for a "
    "correspondent, a certification body for an auditor, none for the DITP and the deciders."
)
DUPLICATE_ROLE_MESSAGE = _("This person already holds this role with this scope.")

# The scope field each role needs (None: a national role, without scope).
SCOPE_FIELD_OF_ROLE = {
    Role.REFERENT: "centre",
    Role.CORRESPONDENT: "network",
    Role.AUDITOR: "certification_body",
    Role.DITP_ADMIN: None,
    Role.DECIDER: None,
}
SCOPE_FIELDS = ("centre", "network", "certification_body")


class RoleAssignment(models.Model):
    """A role held by a user, with the scope it applies to (a network, a centre or a body)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    certification_body = models.ForeignKey(
        CertificationBody, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    is_body_lead = models.BooleanField(
        _("lead of the certification body"),
        default=False,
        help_text=_("An auditor who leads the body manages its auditors."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role=Role.REFERENT,
                        centre__isnull=False,
                        network__isnull=True,
                        certification_body__isnull=True,
                    )
                    | Q(
                        role=Role.CORRESPONDENT,
                        network__isnull=False,
                        centre__isnull=True,
                        certification_body__isnull=True,
                    )
                    | Q(
                        role=Role.AUDITOR,
                        certification_body__isnull=False,
                        centre__isnull=True,
                        network__isnull=True,
                    )
                    | Q(
                        role__in=[Role.DITP_ADMIN, Role.DECIDER],
                        centre__isnull=True,
                        network__isnull=True,
                        certification_body__isnull=True,
                    )
                ),
                violation_error_message=ROLE_SCOPE_MESSAGE,
            ),
            models.CheckConstraint(
                name="only_an_auditor_leads_a_body",
                condition=Q(is_body_lead=False) | Q(role=Role.AUDITOR),
                violation_error_message=_("Only an auditor can lead a certification body."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role__in=[Role.DITP_ADMIN, Role.DECIDER]),
                name="unique_global_role",
                violation_error_message=DUPLICATE_ROLE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["user", "centre"],
                condition=Q(role=Role.REFERENT),
                name="unique_referent_centre",
                violation_error_message=DUPLICATE_ROLE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["user", "network"],
                condition=Q(role=Role.CORRESPONDENT),
                name="unique_correspondent_network",
                violation_error_message=DUPLICATE_ROLE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["user", "certification_body"],
                condition=Q(role=Role.AUDITOR),
                name="unique_auditor_body",
                violation_error_message=DUPLICATE_ROLE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        scope = self.centre or self.network or self.certification_body
        return f"{self.get_role_display()} ({scope})" if scope else self.get_role_display()

    @property
    def scope(self):
        return self.centre or self.network or self.certification_body

    def clean(self):
        """The scope the role needs, field by field, in French (the admin and the pages)."""
        super().clean()
        needed = SCOPE_FIELD_OF_ROLE.get(self.role)
        errors = {}
        for name in SCOPE_FIELDS:
            has_value = getattr(self, f"{name}_id") is not None
            if name == needed and not has_value:
                errors[name] = _("This role needs this scope.")
            elif name != needed and has_value:
                errors[name] = _("This role takes no such scope: leave it empty.")
        if self.is_body_lead and self.role != Role.AUDITOR:
            errors["is_body_lead"] = _("Only an auditor can lead a certification body.")
        if errors:
            raise ValidationError(errors)

    def same_role_exists(self) -> bool:
        """True when the user already holds this role with this scope (another row)."""
        needed = SCOPE_FIELD_OF_ROLE.get(self.role)
        rows = RoleAssignment.objects.filter(user_id=self.user_id, role=self.role)
        if needed:
            rows = rows.filter(**{f"{needed}_id": getattr(self, f"{needed}_id")})
        return rows.exclude(pk=self.pk).exists()


class PersonEventKind(models.TextChoices):
    INVITED = "invited", pgettext_lazy("person event", "Invited")
    PASSWORD_SET = "password_set", pgettext_lazy("person event", "Password chosen")
    ROLE_GRANTED = "role_granted", pgettext_lazy("person event", "Role granted")
    ROLE_REVOKED = "role_revoked", pgettext_lazy("person event", "Role revoked")
    DEACTIVATED = "deactivated", pgettext_lazy("person event", "Account deactivated")
    REACTIVATED = "reactivated", pgettext_lazy("person event", "Account reactivated")


class PersonEvent(models.Model):
    """One line of the log of a person's account and roles (who, when, what); append-only."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="person_events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("event"), max_length=16, choices=PersonEventKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["person", "-at", "-id"]
        verbose_name = _("account history event")
        verbose_name_plural = _("account history")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()}"


class AccountInvitation(models.Model):
    """An invitation to choose one's password: the SHA-256 of a 256-bit token, single use."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("account invitation")
        verbose_name_plural = _("account invitations")

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d}"


# --- Continuous improvement: a centre's self-assessment and action plan ---------------------

ENGAGEMENT_NUMBER_IN_RANGE = Q(
    engagement_number__gte=ENGAGEMENT_NUMBERS.start,
    engagement_number__lte=ENGAGEMENT_NUMBERS.stop - 1,
)


class SelfAssessment(models.Model):
    """A centre's auto-diagnostic for one cycle (a calendar year): a draft, then submitted.

    A submitted self-assessment is frozen: the services refuse any change."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="self_assessments")
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SelfAssessmentStatus.choices,
        default=SelfAssessmentStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        ordering = ["centre", "-cycle"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["centre", "cycle"], name="one_self_assessment_a_cycle"),
            models.CheckConstraint(
                name="self_assessment_cycle_is_a_year",
                condition=Q(cycle__gte=2000, cycle__lte=2100),
            ),
            models.CheckConstraint(
                name="submitted_self_assessment_has_date",
                condition=~Q(status=SelfAssessmentStatus.SUBMITTED) | Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} — {self.cycle}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SelfAssessmentStatus.SUBMITTED


class SelfAssessmentEntry(models.Model):
    """The centre's view of one engagement: maturity, strengths, gaps and evidence."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="entries")
    engagement_number = models.PositiveSmallIntegerField(_("engagement"))
    maturity_level = models.CharField(
        _("maturity level"), max_length=12, choices=MaturityLevel.choices, blank=True
    )
    strengths = models.TextField(_("strengths"), blank=True)
    gaps = models.TextField(_("gaps"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["assessment", "engagement_number"]
        verbose_name = _("self-assessment entry")
        verbose_name_plural = _("self-assessment entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "engagement_number"], name="one_entry_an_engagement"
            ),
            models.CheckConstraint(
                name="entry_engagement_in_range", condition=ENGAGEMENT_NUMBER_IN_RANGE
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.engagement_number}"


class Action(models.Model):
    """One action of a centre's action plan, tied to an engagement and to what led to it."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="actions")
    engagement_number = models.PositiveSmallIntegerField(_("engagement"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source_type = models.CharField(_("source"), max_length=20, choices=ActionSource.choices)
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("For example: the survey campaign, the audit finding or the review concerned."),
    )
    owner_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner (account)"),
    )
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    indicator = models.CharField(
        _("indicator to move"),
        max_length=200,
        help_text=_("The result this action should improve, for example the callback rate."),
    )
    effectiveness_check = models.TextField(_("effectiveness check"), blank=True)
    effectiveness_checked_on = models.DateField(_("checked on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["centre", "status", "due_date"], name="action_centre_status"),
            models.Index(fields=["status", "due_date"], name="action_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_engagement_in_range", condition=ENGAGEMENT_NUMBER_IN_RANGE
            ),
            models.CheckConstraint(
                name="action_progress_is_a_percentage", condition=Q(progress__lte=100)
            ),
            models.CheckConstraint(
                name="action_has_an_owner",
                condition=Q(owner_user__isnull=False) | ~Q(owner_name=""),
            ),
            # An action is closed as done only once its effect has been checked.
            models.CheckConstraint(
                name="done_action_has_effectiveness_check",
                condition=~Q(status=ActionStatus.DONE)
                | (
                    ~Q(effectiveness_check="")
                    & Q(effectiveness_checked_on__isnull=False, closed_on__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

    @property
    def owner_display(self) -> str:
        if self.owner_user_id:
            return str(self.owner_user)
        return self.owner_name

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date < today


class ActionEvent(models.Model):
    """One line of an action's history, appended by the services and never changed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("event"), max_length=16, choices=ActionEventKind.choices)
    # {field name: [old value, new value]} as displayed strings.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["action", "at", "id"]
        verbose_name = _("action history event")
        verbose_name_plural = _("action history")

    def __str__(self) -> str:
        return f"{self.action} — {self.get_kind_display()}"


class ActionReminder(models.Model):
    """An overdue reminder sent for an action on a day: at most one per action and day."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["action", "-day"]
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [
            models.UniqueConstraint(fields=["action", "day"], name="one_reminder_an_action_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.day}"


class Notification(models.Model):
    """What one person is told about one workflow step: listed in the product, e-mailed once.

    (recipient, kind, key) is unique: a step notified twice (a retried task) adds nothing."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=120)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="one_notification_a_step_a_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title
