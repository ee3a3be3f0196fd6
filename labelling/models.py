import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centres.models import Action, Centre, CertificationBody, Structure

from .enums import (
    AppealOutcome,
    ApplicationStatus,
    AuditKind,
    BelowMinSample,
    CertificateStatus,
    Conformity,
    DerogationStatus,
    EngagementGroup,
    FindingKind,
    Level,
    LogKind,
    Outcome,
    ReferentialStatus,
    SiteSelection,
)


class Referential(models.Model):
    """A version of the label's referential: engagements, audit criteria and level rules.

    A version in force is never edited: the commission publishes a new one."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferentialStatus.choices,
        default=ReferentialStatus.DRAFT,
    )
    is_illustrative = models.BooleanField(
        _("illustrative values"),
        default=True,
        help_text=_("Thresholds are illustrative until the national commission sets them."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("referential")
        verbose_name_plural = _("referentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=ReferentialStatus.ACTIVE),
                name="one_referential_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Engagement(models.Model):
    """One of the programme's engagements, as worded in a referential version."""

    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="engagements"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    group = models.CharField(_("group"), max_length=10, choices=EngagementGroup.choices)
    title = models.CharField(_("wording"), max_length=300)

    class Meta:
        ordering = ["referential", "number"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "number"], name="unique_engagement_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def _fraction(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction between 0 and 1 (0.8 means 80 %)."),
    )


class AuditCriterion(models.Model):
    """A requirement the auditors check on site, under one engagement, with its weight."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("wording"), max_length=300)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["engagement__number", "code"]
        verbose_name = _("audit criterion")
        verbose_name_plural = _("audit criteria")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "code"], name="unique_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LevelRule(models.Model):
    """The thresholds a structure must reach for one level, in one referential version."""

    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="level_rules"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    min_citizen_rate_engagement = _fraction(_("minimum citizen satisfaction per engagement"))
    min_citizen_rate_overall = _fraction(_("minimum overall citizen satisfaction"))
    min_agent_involvement = _fraction(_("minimum agent involvement"))
    min_audit_conformity = _fraction(_("minimum audit conformity per engagement"))
    max_open_major_nc = models.PositiveSmallIntegerField(_("maximum open major non-conformities"))
    max_open_minor_nc = models.PositiveSmallIntegerField(_("maximum open minor non-conformities"))
    min_citizen_sample = models.PositiveIntegerField(_("minimum citizen answers (overall)"))
    min_agent_sample = models.PositiveIntegerField(_("minimum agent answers"))
    min_agent_participation = models.DecimalField(
        _("minimum agent participation"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Agent answers divided by the centres' agents (0.4 means 40 %)."),
    )
    use_wilson_lower_bound = models.BooleanField(
        _("compare the lower bound of the 95 % interval"),
        default=False,
        help_text=_("Rates are judged on the Wilson lower bound instead of the point estimate."),
    )
    below_min_sample = models.CharField(
        _("engagement below the minimum sample"),
        max_length=10,
        choices=BelowMinSample.choices,
        default=BelowMinSample.BLOCK,
    )
    open_major_nc_blocks = models.BooleanField(
        _("an open major non-conformity blocks the level"), default=True
    )

    class Meta:
        ordering = ["referential", "level"]
        verbose_name = _("level rule")
        verbose_name_plural = _("level rules")
        constraints = [
            models.UniqueConstraint(fields=["referential", "level"], name="unique_level_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.referential})"


class Application(models.Model):
    """A labelled structure's application for one label cycle, from draft to expiry."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="applications")
    cycle = models.PositiveSmallIntegerField(_("cycle (year)"))
    referential = models.ForeignKey(Referential, on_delete=models.PROTECT, related_name="+")
    certification_body = models.ForeignKey(
        CertificationBody, on_delete=models.PROTECT, related_name="applications"
    )
    survey_start = models.DateField(_("survey period start"))
    survey_end = models.DateField(_("survey period end"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up audit due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-cycle", "structure__name"]
        verbose_name = _("label application")
        verbose_name_plural = _("label applications")
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "cycle"], name="one_application_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(survey_end__gte=models.F("survey_start")),
                name="survey_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.cycle}"


class ApplicationEvent(models.Model):
    """One step of an application's timeline: who moved it from which status to which."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.to_status}"


class Audit(models.Model):
    """An audit of an application by its certification body: team, dates and sampled sites."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(
        _("kind"), max_length=10, choices=AuditKind.choices, default=AuditKind.INITIAL
    )
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    sampling_seed = models.PositiveIntegerField(_("sampling seed"))
    sampling_rule = models.TextField(_("sampling rule"))
    override_reason = models.TextField(_("reason for overriding the sample"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The report PDF, built by a worker after each change of the grid or the findings
    # (labelling.reports): `report_revision` counts the changes, `report_built_revision` is
    # the one the stored file shows; they differ while a new file is being built.
    report_revision = models.PositiveIntegerField(default=0)
    report_built_revision = models.PositiveIntegerField(null=True, blank=True)
    report_file = models.FileField(upload_to="private/audit-reports/", blank=True)
    report_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["application", "start_date"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="audit_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.application}"


class AuditSite(models.Model):
    """A centre sampled for an audit, and why it was chosen."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="sites")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    selection = models.CharField(_("selection"), max_length=10, choices=SiteSelection.choices)

    class Meta:
        ordering = ["centre__city"]
        verbose_name = _("audited site")
        verbose_name_plural = _("audited sites")
        constraints = [
            models.UniqueConstraint(fields=["audit", "centre"], name="unique_audit_site"),
        ]

    def __str__(self) -> str:
        return str(self.centre)


class GridEntry(models.Model):
    """The auditors' assessment of one criterion on one sampled site."""

    site = models.ForeignKey(AuditSite, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(AuditCriterion, on_delete=models.PROTECT, related_name="+")
    conformity = models.CharField(_("conformity"), max_length=20, choices=Conformity.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grid entry")
        verbose_name_plural = _("grid entries")
        constraints = [
            models.UniqueConstraint(fields=["site", "criterion"], name="unique_grid_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.criterion_id}: {self.conformity}"


class Finding(models.Model):
    """A non-conformity, observation or good practice found during an audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    site = models.ForeignKey(
        AuditSite, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    criterion = models.ForeignKey(AuditCriterion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    description = models.TextField(_("description"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The centre's action that answered the finding: labelling points at centres, never back.
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrective action"),
    )

    class Meta:
        ordering = ["audit", "kind", "created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closing_note=""),
                name="closed_finding_has_a_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.criterion_id})"


class Evidence(models.Model):
    """A file the auditors collected, stored with its SHA-256."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="evidence")
    site = models.ForeignKey(
        AuditSite, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    criterion = models.ForeignKey(
        AuditCriterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["audit", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class Proposal(models.Model):
    """The lead auditor's proposed outcome, with a motivation and the scorecard seen."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="proposals")
    outcome = models.CharField(_("proposed outcome"), max_length=10, choices=Outcome.choices)
    motivation = models.TextField(_("motivation"), max_length=8000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    scorecard = models.JSONField(_("scorecard"))

    class Meta:
        ordering = ["proposed_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.application_id}"


class Decision(models.Model):
    """A label decision by a decider outside the audit team, with its frozen scorecard."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    motivation = models.TextField(_("motivation"), max_length=8000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decision date"))
    decided_at = models.DateTimeField(_("recorded at"))
    referential = models.ForeignKey(Referential, on_delete=models.PROTECT, related_name="+")
    scorecard = models.JSONField(_("frozen scorecard"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Four-eyes: a decision above the scorecard or the proposal is confirmed by another decider.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        ordering = ["decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.application}"


class Derogation(models.Model):
    """A decision above the scorecard's level or the proposal, waiting for a second decider."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="derogations"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    scorecard_result = models.CharField(
        _("scorecard result"), max_length=10, choices=Outcome.choices
    )
    motivation = models.TextField(_("motivation"), max_length=8000)
    decided_on = models.DateField(_("decision date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DerogationStatus.choices,
        default=DerogationStatus.PENDING,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("second decider's motivation"), blank=True)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="derogation"
    )

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("derogation")
        verbose_name_plural = _("derogations")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status=DerogationStatus.PENDING),
                name="one_pending_derogation_per_application",
            ),
            models.CheckConstraint(
                condition=Q(status=DerogationStatus.PENDING)
                | ~Q(answered_by=models.F("requested_by")),
                name="derogation_answered_by_another_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.application_id}"


class Appeal(models.Model):
    """An appeal against a decision, reviewed by a decider who did not take it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    previous_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    reason = models.TextField(_("grounds of appeal"), max_length=8000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AppealOutcome.choices, blank=True
    )
    review_motivation = models.TextField(_("review motivation"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.application_id} — {self.filed_at:%Y-%m-%d}"


def _public_token() -> str:
    return uuid.uuid4().hex


class Certificate(models.Model):
    """The PDF certificate of a decision granting a level, verifiable by anyone."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    file = models.FileField(_("file"), upload_to="certificates/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    # The structure's next certificate: one certificate is valid per structure at a time.
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of the decision log."""


class DecisionLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The decision log is append-only.")

    def delete(self):
        raise AppendOnlyError("The decision log is append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The decision log is append-only.")


class DecisionLogEntry(models.Model):
    """One row of the hash-chained, append-only decision log.

    `entry_hash` is the SHA-256 of the canonical JSON of the row's content including
    `previous_hash`: changing or removing any row breaks every hash after it."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    kind = models.CharField(_("kind"), max_length=20, choices=LogKind.choices)
    application_id_ref = models.PositiveBigIntegerField(_("application"))
    actor_ref = models.CharField(_("actor"), max_length=200)
    payload = models.JSONField(_("payload"))
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = DecisionLogQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("decision log entry")
        verbose_name_plural = _("decision log")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind}"

    def save(self, *args, **kwargs):
        # Integrity guard, not a business rule: a logged row is never rewritten.
        if not self._state.adding:
            raise AppendOnlyError("The decision log is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The decision log is append-only.")
