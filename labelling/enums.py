from django.db import models
from django.utils.translation import gettext_lazy as _


class EngagementGroup(models.TextChoices):
    CLOSER = "closer", _("Closer to you")
    EFFICIENT = "efficient", _("More efficient")
    SIMPLER = "simpler", _("Simpler")


class ReferentialStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")


class Level(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    ARGENT = "argent", _("Silver")
    OR = "or", _("Gold")


# From the lowest to the highest: the awarded level is the highest whose rules all pass.
LEVEL_ORDER = [Level.BRONZE, Level.ARGENT, Level.OR]


class Outcome(models.TextChoices):
    """What a proposal or a decision grants: a level, or a refusal."""

    BRONZE = "bronze", _("Bronze")
    ARGENT = "argent", _("Silver")
    OR = "or", _("Gold")
    REFUSED = "refused", _("Label refused")


class BelowMinSample(models.TextChoices):
    """What a level rule does with an engagement asked by the survey but answered by fewer
    citizens than the minimum sample."""

    IGNORE = "ignore", _("Ignore the engagement for this level")
    BLOCK = "block", _("Refuse this level")
    CAP = "cap", _("Cap the result at this level")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AUDIT_PLANNED = "audit_planned", _("Audit planned")
    AUDITED = "audited", _("Audited")
    PROPOSED = "proposed", _("Level proposed")
    DECIDED = "decided", _("Decided")
    FOLLOW_UP = "follow_up", _("Follow-up audit")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPEALED = "appealed", _("Under appeal")
    EXPIRED = "expired", _("Expired")


class Conformity(models.TextChoices):
    CONFORM = "conform", _("Conform")
    PARTIAL = "partial", _("Partially conform")
    NON_CONFORM = "non_conform", _("Non-conform")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Score of each conformity in the audit rate; "not applicable" leaves the base.
CONFORMITY_SCORE = {
    Conformity.CONFORM: 1.0,
    Conformity.PARTIAL: 0.5,
    Conformity.NON_CONFORM: 0.0,
}


class FindingKind(models.TextChoices):
    MAJOR_NC = "major_nc", _("Major non-conformity")
    MINOR_NC = "minor_nc", _("Minor non-conformity")
    OBSERVATION = "observation", _("Observation")
    GOOD_PRACTICE = "good_practice", _("Good practice")


class FindingStatus(models.TextChoices):
    """A finding is open until the lead auditor records how it was answered."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SiteSelection(models.TextChoices):
    RANDOM = "random", _("Random draw")
    RISK = "risk", _("Chosen by risk")
    OVERRIDE = "override", _("Added by the lead auditor")


class AuditKind(models.TextChoices):
    INITIAL = "initial", _("Initial audit")
    FOLLOW_UP = "follow_up", _("Follow-up audit")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")


class DerogationStatus(models.TextChoices):
    """A decision above the scorecard or the proposal waits for a second decider."""

    PENDING = "pending", _("Waiting for a second decider")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class LogKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    DECISION = "decision", _("Decision")
    SUSPENSION = "suspension", _("Suspension")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    APPEAL = "appeal", _("Appeal")
    APPEAL_REVIEW = "appeal_review", _("Appeal review")
    DEROGATION = "derogation", _("Derogation requested")
    DEROGATION_DECLINED = "derogation_declined", _("Derogation declined")
    CERTIFICATE = "certificate", _("Certificate issued")
    REPLACEMENT = "replacement", _("Certificate replaced")
    EXPIRY = "expiry", _("Expiry")


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be rendered")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class VerificationStatus(models.TextChoices):
    VALID = "valid", _("valid")
    SUSPENDED = "suspended", _("suspended")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("expired")
    REPLACED = "replaced", _("replaced")
