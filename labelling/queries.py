"""Reads of the label: the referential in force, findings to follow, version changes, and the
state of certificates as the public sees them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from centres.models import Action
from centres.params import ascii_int

from .enums import (
    LEVEL_ORDER,
    ApplicationStatus,
    FindingKind,
    FindingStatus,
    Outcome,
    ReferentialStatus,
    VerificationStatus,
)
from .models import (
    Appeal,
    Application,
    AuditCriterion,
    Certificate,
    Decision,
    Engagement,
    Finding,
    LevelRule,
    Referential,
)

# The level rule fields shown and edited, in the order of the pages (fractions first).
RULE_FRACTIONS = (
    "min_citizen_rate_engagement",
    "min_citizen_rate_overall",
    "min_agent_involvement",
    "min_audit_conformity",
    "min_agent_participation",
)
RULE_COUNTS = ("max_open_major_nc", "max_open_minor_nc", "min_citizen_sample", "min_agent_sample")
RULE_FLAGS = ("use_wilson_lower_bound", "open_major_nc_blocks")
RULE_CHOICES = ("below_min_sample",)
RULE_FIELDS = RULE_FRACTIONS + RULE_COUNTS + RULE_FLAGS + RULE_CHOICES


def engagements_in_force() -> QuerySet[Engagement]:
    """The engagements of the referential version in force, in order."""
    return Engagement.objects.filter(referential__status=ReferentialStatus.ACTIVE).order_by(
        "number"
    )


def engagement_wordings() -> dict[int, str]:
    """{number: wording} of the engagements in force (read by centres.engagements)."""
    return dict(engagements_in_force().values_list("number", "title"))


# ---------------------------------------------------------------- findings


def application_findings(
    application: Application, *, kind: str = "", status: str = "", audit_id: int | None = None
) -> QuerySet[Finding]:
    """The findings of an application's audits, open ones first, optionally filtered."""
    findings = Finding.objects.filter(audit__application=application).select_related(
        "audit", "criterion", "site__centre", "closed_by", "action__centre"
    )
    if kind:
        findings = findings.filter(kind=kind)
    if status == FindingStatus.OPEN:
        findings = findings.filter(closed_at__isnull=True)
    elif status == FindingStatus.CLOSED:
        findings = findings.filter(closed_at__isnull=False)
    if audit_id:
        findings = findings.filter(audit_id=audit_id)
    severity = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(FindingKind.values)),
        default=Value(len(FindingKind.values)),
    )
    # Open first (NULL sorts last on PostgreSQL and first on SQLite unless told), then by
    # severity: major NC, minor NC, observation, good practice.
    return findings.order_by(
        F("closed_at").asc(nulls_first=True), "audit__start_date", severity, "criterion__code", "pk"
    )


def structure_actions(structure_id: int) -> QuerySet[Action]:
    """The actions of every centre of a structure: what a finding may point at."""
    return (
        Action.objects.filter(centre__structure_id=structure_id)
        .select_related("centre")
        .order_by("centre__city", "due_date", "pk")
    )


# ---------------------------------------------------------------- referential versions


def previous_version(referential: Referential) -> Referential | None:
    """The version a referential was copied from, else the one numbered just below it."""
    if referential.based_on_id:
        return referential.based_on
    return Referential.objects.filter(version__lt=referential.version).order_by("-version").first()


@dataclass(frozen=True)
class Change:
    """One difference between two referential versions, ready to show."""

    section: str  # name, metadata, rule, wording or weight
    what: str
    before: str
    after: str


def _rule_value(rule: LevelRule | None, name: str) -> str:
    from .scorecard import percent  # scorecard formats rates; imported late to avoid a cycle

    if rule is None:
        return "—"
    value = getattr(rule, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in RULE_CHOICES:
        return str(getattr(rule, f"get_{name}_display")())
    return percent(value) if isinstance(value, Decimal) else str(value)


def level_rule_rows(referential: Referential) -> list[dict]:
    """The level rules of a version, lowest level first, their values formatted to show."""
    rules = sorted(referential.level_rules.all(), key=_level_rank)
    return [
        {"label": rule.get_level_display(), **{n: _rule_value(rule, n) for n in RULE_FIELDS}}
        for rule in rules
    ]


def _compare(changes: list[Change], section: str, what: str, before: str, after: str) -> None:
    if before != after:
        changes.append(Change(section, what, before, after))


def referential_changes(old: Referential | None, new: Referential) -> list[Change]:
    """What changed from `old` to `new`: metadata, level thresholds, wording, weights."""
    if old is None:
        return []
    changes: list[Change] = []
    yes, no = _("yes"), _("no")
    _compare(changes, "name", _("Name"), old.name, new.name)
    _compare(changes, "metadata", _("Legal basis"), old.legal_basis or "—", new.legal_basis or "—")
    _compare(
        changes,
        "metadata",
        _("Illustrative values"),
        yes if old.is_illustrative else no,
        yes if new.is_illustrative else no,
    )
    old_rules = {r.level: r for r in old.level_rules.all()}
    new_rules = {r.level: r for r in new.level_rules.all()}
    for rule in sorted({**old_rules, **new_rules}.values(), key=_level_rank):
        label = rule.get_level_display()
        for name in RULE_FIELDS:
            field = LevelRule._meta.get_field(name)
            _compare(
                changes,
                "rule",
                f"{label} — {field.verbose_name}",
                _rule_value(old_rules.get(rule.level), name),
                _rule_value(new_rules.get(rule.level), name),
            )
    old_engagements = _engagements(old)
    new_engagements = _engagements(new)
    for number in sorted(old_engagements.keys() | new_engagements.keys()):
        before, after = old_engagements.get(number), new_engagements.get(number)
        _compare(
            changes,
            "wording",
            _("Engagement %(number)s — wording") % {"number": number},
            before.title if before else "—",
            after.title if after else "—",
        )
    old_criteria, new_criteria = _criteria(old), _criteria(new)
    for code in sorted(old_criteria.keys() | new_criteria.keys(), key=_code_key):
        before, after = old_criteria.get(code), new_criteria.get(code)
        _compare(
            changes,
            "weight",
            _("Criterion %(code)s — weight") % {"code": code},
            str(before.weight) if before else "—",
            str(after.weight) if after else "—",
        )
        if before and after:
            _compare(
                changes,
                "wording",
                _("Criterion %(code)s — wording") % {"code": code},
                before.title,
                after.title,
            )
    return changes


def _level_rank(rule: LevelRule) -> int:
    return LEVEL_ORDER.index(rule.level) if rule.level in LEVEL_ORDER else len(LEVEL_ORDER)


def _engagements(referential: Referential) -> dict:
    return {e.number: e for e in referential.engagements.all()}


def _criteria(referential: Referential) -> dict:
    return {c.code: c for c in AuditCriterion.objects.filter(engagement__referential=referential)}


def _code_key(code: str) -> tuple:
    return tuple(ascii_int(part) or 0 for part in code.split("."))


# Certificates as the public sees them ----------------------------------------------------------


@dataclass(frozen=True)
class LabelStatus:
    """What the public sees of a structure's label: its latest certificate, in the state the
    public verification page gives it."""

    state: str  # a VerificationStatus value
    level: str  # an Outcome value
    valid_from: date | None
    valid_until: date | None
    token: str

    @property
    def level_label(self) -> str:
        return str(Outcome(self.level).label)

    @property
    def is_valid(self) -> bool:
        return self.state == VerificationStatus.VALID

    @property
    def is_suspended(self) -> bool:
        return self.state == VerificationStatus.SUSPENDED


def certificates_checked() -> QuerySet[Certificate]:
    """Certificates with, in the same query, what their public state depends on besides their
    own rows: the latest decision of their application, and the status that an appeal still
    open was filed against."""
    application = OuterRef("decision__application_id")
    latest_decision = (
        Decision.objects.filter(application_id=application).order_by("-decided_at").values("pk")
    )
    open_appeal = (
        Appeal.objects.filter(application_id=application, reviewed_at__isnull=True)
        .order_by("-filed_at")
        .values("previous_status")
    )
    return Certificate.objects.annotate(
        latest_decision_id=Subquery(latest_decision[:1]),
        appeal_previous_status=Subquery(open_appeal[:1]),
    )


def certificate_state(certificate: Certificate, today: date) -> str:
    """valid / replaced / suspended / withdrawn / expired (a VerificationStatus value), from the
    application's status, its decisions, an open appeal and the dates. `certificate` comes
    from certificates_checked(), with its decision and application."""
    decision = certificate.decision
    status = decision.application.status
    if certificate.replaced_by_id:
        return VerificationStatus.REPLACED  # the structure's next certificate holds the label
    if status == ApplicationStatus.APPEALED and certificate.appeal_previous_status:
        status = certificate.appeal_previous_status  # an appeal suspends nothing by itself
    if certificate.latest_decision_id != certificate.decision_id:
        return VerificationStatus.WITHDRAWN  # superseded by a later decision
    if status == ApplicationStatus.WITHDRAWN:
        return VerificationStatus.WITHDRAWN
    if status == ApplicationStatus.EXPIRED or (decision.valid_until or today) < today:
        return VerificationStatus.EXPIRED
    if status == ApplicationStatus.SUSPENDED:
        return VerificationStatus.SUSPENDED
    return VerificationStatus.VALID


def label_statuses(structure_ids, *, today: date) -> dict[int, LabelStatus]:
    """The label of each structure that has a certificate (one query); absent means none."""
    certificates = (
        certificates_checked()
        .filter(decision__application__structure_id__in=list(structure_ids))
        .select_related("decision__application")
        .only(
            "public_token",
            "replaced_by",
            "decision__outcome",
            "decision__valid_from",
            "decision__valid_until",
            "decision__application__status",
            "decision__application__structure_id",
        )
        .order_by("-decision__decided_at", "-pk")
    )
    statuses: dict[int, LabelStatus] = {}
    for certificate in certificates:
        decision = certificate.decision
        statuses.setdefault(
            decision.application.structure_id,
            LabelStatus(
                state=certificate_state(certificate, today),
                level=decision.outcome,
                valid_from=decision.valid_from,
                valid_until=decision.valid_until,
                token=certificate.public_token,
            ),
        )
    return statuses
