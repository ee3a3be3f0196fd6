"""Referential versions: derive a new version, edit its rules, put it in force."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centres.access import scope_of
from centres.enums import Role
from centres.models import User

from ..enums import (
    LEVEL_ORDER,
    ReferentialStatus,
)
from ..models import (
    AuditCriterion,
    LevelRule,
    Referential,
)
from ..queries import RULE_COUNTS, RULE_FIELDS, RULE_FLAGS, RULE_FRACTIONS, referential_changes
from ._common import (
    LabelError,
    _deny,
    _require_text,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def referential_version_create(*, source_id: int, name: str, by: User) -> Referential:
    """Copy a referential into a new draft version (versions in force are never edited)."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    source = Referential.objects.get(pk=source_id)
    name = _require_text(name, _("The name"))
    if len(name) > Referential._meta.get_field("name").max_length:
        raise LabelError(_("The name is too long."))
    last = Referential.objects.select_for_update().order_by("-version").first()
    new = Referential.objects.create(
        version=last.version + 1,
        name=name,
        status=ReferentialStatus.DRAFT,
        is_illustrative=source.is_illustrative,
        legal_basis=source.legal_basis,
        based_on=source,
    )
    for engagement in source.engagements.prefetch_related("criteria"):
        criteria = list(engagement.criteria.all())
        engagement.pk = None
        engagement.referential = new
        engagement.save()
        AuditCriterion.objects.bulk_create(
            AuditCriterion(engagement=engagement, code=c.code, title=c.title, weight=c.weight)
            for c in criteria
        )
    for rule in source.level_rules.all():
        rule.pk = None
        rule.referential = new
        rule.save()
    return new


def _checked(instance, exclude=None):
    """full_clean turned into a LabelError carrying the French messages."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise LabelError(" ".join(error.messages)) from error


# Counts where a higher level must demand at least as much; the others are maxima.
_MINIMUM_COUNTS = ("min_citizen_sample", "min_agent_sample")


def rule_contradictions(rules) -> list[str]:
    """A French sentence for every threshold where a higher level demands less than a lower
    one (a higher level never demands less), empty when the rules are monotonic."""
    from ..scorecard import percent

    ordered = sorted(
        (r for r in rules if r.level in LEVEL_ORDER), key=lambda r: LEVEL_ORDER.index(r.level)
    )
    problems = []
    for index, lower in enumerate(ordered):
        for higher in ordered[index + 1 :]:
            problems += _pair_contradictions(lower, higher, percent)
    return problems


def _contradiction(name: str, low, high) -> str | None:
    """The message template when `high` (a higher level's value) demands less than `low`."""
    if name in RULE_FLAGS:
        return (
            _("%(higher)s is less strict than %(lower)s: « %(field)s » is on for %(lower)s only.")
            if low and not high
            else None
        )
    if name in RULE_COUNTS and name not in _MINIMUM_COUNTS:
        return (
            _("%(higher)s allows more than %(lower)s: %(field)s %(high)s > %(low)s.")
            if high > low
            else None
        )
    return (
        _("%(higher)s demands less than %(lower)s: %(field)s %(high)s < %(low)s.")
        if high < low
        else None
    )


def _pair_contradictions(lower, higher, percent) -> list[str]:
    problems = []
    for name in RULE_FRACTIONS + RULE_COUNTS + RULE_FLAGS:
        low, high = getattr(lower, name), getattr(higher, name)
        template = _contradiction(name, low, high)
        if template is None:
            continue
        shown = percent if name in RULE_FRACTIONS else str
        problems.append(
            template
            % {
                "higher": higher.get_level_display(),
                "lower": lower.get_level_display(),
                "field": LevelRule._meta.get_field(name).verbose_name,
                "high": shown(high),
                "low": shown(low),
            }
        )
    return problems


def _require_monotonic(referential: Referential) -> None:
    problems = rule_contradictions(referential.level_rules.all())
    if problems:
        raise LabelError(" ".join(problems))


@transaction.atomic
def referential_version_derive(
    *,
    source_id: int,
    by: User,
    name: str,
    legal_basis: str = "",
    is_illustrative: bool = True,
    engagement_titles: dict[int, str] | None = None,
    criterion_weights: dict[str, int] | None = None,
    level_rules: dict[str, dict] | None = None,
) -> Referential:
    """Create a new draft version: a copy of `source_id` with the edits (never in place)."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    source = Referential.objects.filter(pk=source_id).first()
    if source is None:
        raise LabelError(_("This referential version does not exist."))
    try:
        # Two administrators saving at once: the unique version number decides, not a 500.
        with transaction.atomic():
            new = referential_version_create(source_id=source.pk, name=name, by=by)
    except IntegrityError as exc:
        raise LabelError(_("Another version was created at the same time: try again.")) from exc
    new.legal_basis = (legal_basis or "").strip()
    new.is_illustrative = bool(is_illustrative)
    _checked(new, exclude=["based_on"])
    new.save(update_fields=["legal_basis", "is_illustrative"])
    engagements = {e.number: e for e in new.engagements.all()}
    for number, title in (engagement_titles or {}).items():
        if number not in engagements:
            raise LabelError(
                _("Engagement %(number)s is not in this version.") % {"number": number}
            )
        engagement = engagements[number]
        engagement.title = _require_text(title, _("The wording of an engagement"))
        _checked(engagement)
        engagement.save(update_fields=["title"])
    criteria = {c.code: c for c in AuditCriterion.objects.filter(engagement__referential=new)}
    for code, weight in (criterion_weights or {}).items():
        if code not in criteria:
            raise LabelError(_("Criterion %(code)s is not in this version.") % {"code": code})
        criterion = criteria[code]
        criterion.weight = weight
        _checked(criterion)
        criterion.save(update_fields=["weight"])
    rules = {r.level: r for r in new.level_rules.all()}
    for level, values in (level_rules or {}).items():
        if level not in rules or not set(values) <= set(RULE_FIELDS):
            raise LabelError(_("These level rules are not part of this version."))
        rule = rules[level]
        for field_name, value in values.items():
            setattr(rule, field_name, value)
        _checked(rule)
        rule.save(update_fields=list(values))
    _require_monotonic(new)
    if all(change.section == "name" for change in referential_changes(source, new)):
        raise LabelError(
            _("Nothing changed compared with version %(v)s: change a rule, a weight or a wording.")
            % {"v": source.version}
        )
    logger.info(
        "referential_derived version=%s source=%s actor=%s", new.version, source.version, by.pk
    )
    return new


@transaction.atomic
def level_rule_update(*, rule_id: int, values: dict, by: User) -> LevelRule:
    """Change a level rule of a draft referential version."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    rule = LevelRule.objects.select_for_update().select_related("referential").get(pk=rule_id)
    if rule.referential.status != ReferentialStatus.DRAFT:
        raise LabelError(_("A referential in force or archived is never edited: copy it."))
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    _require_monotonic(rule.referential)
    return rule


@transaction.atomic
def referential_activate(*, referential_id: int, by: User) -> Referential:
    """Put a draft version in force; the previous one is archived."""
    if not scope_of(by).has(Role.DITP_ADMIN):
        _deny(_("Only a DITP administrator can edit the referential."))
    referential = Referential.objects.select_for_update().get(pk=referential_id)
    if referential.status != ReferentialStatus.DRAFT:
        raise LabelError(_("Only a draft version can be put in force."))
    if referential.level_rules.count() != 3:
        raise LabelError(_("A version needs rules for Bronze, Silver and Gold."))
    _require_monotonic(referential)
    Referential.objects.filter(status=ReferentialStatus.ACTIVE).update(
        status=ReferentialStatus.ARCHIVED
    )
    referential.status = ReferentialStatus.ACTIVE
    referential.save(update_fields=["status"])
    return referential
