from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    DITP_ADMIN = "ditp_admin", _("DITP administrator")
    CORRESPONDENT = "correspondent", _("National correspondent")
    REFERENT = "referent", _("Centre quality referent")
    AUDITOR = "auditor", _("Auditor")
    DECIDER = "decider", _("Label decider")


# Roles that see every centre of the platform (the referent sees only their own).
ROLES_SEEING_ALL_CENTRES = frozenset({Role.DITP_ADMIN, Role.AUDITOR, Role.DECIDER})


# The engagements of the referential in force are numbered 1 to 8 (arrêté of 31 August 2023).
# `centres` stores the number only: the wording belongs to `labelling`'s versioned referential.
# A referential with more engagements changes this range and the check constraints with it.
ENGAGEMENT_NUMBERS = range(1, 9)


class MaturityLevel(models.TextChoices):
    """How far a centre has gone with an engagement, in its own assessment."""

    NOT_STARTED = "not_started", _("Not started")
    EMERGING = "emerging", _("Emerging")
    ESTABLISHED = "established", _("Established")
    EXEMPLARY = "exemplary", _("Exemplary")


class SelfAssessmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("self-assessment status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("self-assessment status", "Submitted")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("action status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    ABANDONED = "abandoned", pgettext_lazy("action status", "Abandoned")


# Statuses an action can still move out of; done and abandoned actions are closed.
OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ActionSource(models.TextChoices):
    """What led to an action (the upper apps point at actions, never the reverse)."""

    SURVEY_RESULT = "survey_result", _("Survey result")
    AUDIT_FINDING = "audit_finding", _("Audit finding")
    CITIZEN_REVIEW = "citizen_review", _("Citizen review")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")


class ActionEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("action event", "Created")
    UPDATED = "updated", pgettext_lazy("action event", "Updated")
    CLOSED = "closed", pgettext_lazy("action event", "Closed as done")
    ABANDONED = "abandoned", pgettext_lazy("action event", "Abandoned")
    PUBLISHED = "published", pgettext_lazy("action event", "Published")
    UNPUBLISHED = "unpublished", pgettext_lazy("action event", "Withdrawn from publication")
    REMINDER_SENT = "reminder_sent", pgettext_lazy("action event", "Overdue reminder sent")
