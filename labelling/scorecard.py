"""Scorecards: the three instruments per engagement, and each level rule with a sentence.

`rules_evaluate` is pure (figures in, results out) so each threshold is tested directly;
`scorecard_build` gathers the figures: citizen and agent rates through surveys' public
functions, audit conformity and open non-conformities from the audits.

Engagement 7 ("your opinion is taken into account") also shows the share of citizen reviews
of the structure's centres answered publicly within 7 days. It is context for the auditors
and the decider, not a rule: the referential's level rules have no threshold for it, and
thresholds are the commission's to set (a new LevelRule field, in a new referential version)."""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Protocol

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centres import formatting

from .enums import CONFORMITY_SCORE, LEVEL_ORDER, BelowMinSample, FindingKind, Level
from .models import Application, Audit, Finding, GridEntry, LevelRule, Referential

OVERALL = "overall"
# The engagement whose scorecard line carries the 7-day review answer rate (referential 2023).
REVIEW_ENGAGEMENT = 7


class RateLike(Protocol):
    """The shape of surveys.stats.Rate that the scorecard reads."""

    n: int
    satisfaction_rate: float | None
    wilson_low: float | None
    wilson_high: float | None
    insufficient_sample: bool


@dataclass(frozen=True)
class Figures:
    """Everything a level rule looks at."""

    citizen: dict  # engagement number or "overall" -> RateLike
    agent: RateLike | None
    audit: dict[int, float | None]  # engagement number -> weighted conformity (0..1)
    open_major: int
    open_minor: int
    engagement_numbers: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)
    # Share of the centres' published reviews answered within 7 days (context, no rule).
    review_answers: RateLike | None = None
    # Engagements the citizen questionnaires ask about (None: those with a rate).
    asked_engagements: frozenset[int] | None = None
    # The centres' agents (Centre.agents_count summed), None when unknown.
    agents_count: int | None = None
    min_sample: int = 30


@dataclass(frozen=True)
class Thresholds:
    level: str
    min_citizen_rate_engagement: Decimal
    min_citizen_rate_overall: Decimal
    min_agent_involvement: Decimal
    min_audit_conformity: Decimal
    max_open_major_nc: int
    max_open_minor_nc: int
    min_citizen_sample: int
    min_agent_sample: int
    min_agent_participation: Decimal = Decimal("0")
    use_wilson_lower_bound: bool = False
    below_min_sample: str = BelowMinSample.BLOCK
    open_major_nc_blocks: bool = True

    @classmethod
    def from_rule(cls, rule: LevelRule) -> "Thresholds":
        return cls(**{f.name: getattr(rule, f.name) for f in cls.__dataclass_fields__.values()})


@dataclass
class Check:
    code: str
    passed: bool
    sentence: str
    informative: bool = False  # shown for context, does not decide the level
    caps: bool = False  # the level may be reached, but none above it


@dataclass
class LevelResult:
    level: str
    label: str
    reached: bool
    checks: list[Check] = field(default_factory=list)


def percent(value: float | Decimal | None) -> str:
    """A fraction as people read it everywhere (centres.formatting): rounded half-up to 0.1."""
    return formatting.percent_text(value)


def _at_least(value: float | None, threshold: Decimal) -> bool:
    """Compares the rounded rate that the sentence shows, so that « 80 % ≥ 80 % » never reads
    as a refusal nor « 79,9 % » as met."""
    return value is not None and formatting.percentage(value) >= formatting.percentage(threshold)


def _level_label(level: str) -> str:
    return str(Level(level).label)


def _compare(level_label, passed, what, value_text, threshold_text, *, below_sign="<"):
    if passed:
        return _("%(level)s met: %(what)s %(value)s ≥ %(threshold)s") % {
            "level": level_label,
            "what": what,
            "value": value_text,
            "threshold": threshold_text,
        }
    return _("%(level)s refused: %(what)s %(value)s %(sign)s %(threshold)s") % {
        "level": level_label,
        "what": what,
        "value": value_text,
        "sign": below_sign,
        "threshold": threshold_text,
    }


def _judged(rate: RateLike | None, t: Thresholds) -> tuple[float | None, str]:
    """The value a rule compares (point estimate or Wilson lower bound) and how it reads."""
    if rate is None:
        return None, percent(None)
    if t.use_wilson_lower_bound:
        low = rate.wilson_low
        return low, _("%(value)s (lower bound of the 95 %% interval)") % {"value": percent(low)}
    return rate.satisfaction_rate, percent(rate.satisfaction_rate)


def _rate_check(code, label, what, rate, threshold, t: Thresholds, suffix="") -> Check:
    value, text = _judged(rate, t)
    passed = _at_least(value, threshold)
    sentence = _compare(label, passed, what, text, percent(threshold))
    return Check(code, passed, f"{sentence} {suffix}".strip())


def _sample_check(code, label, n, minimum, met, refused) -> Check:
    passed = n >= minimum
    return Check(
        code, passed, (met if passed else refused) % {"level": label, "n": n, "min": minimum}
    )


def _citizen_checks(figures: Figures, t: Thresholds, label: str) -> list[Check]:
    overall = figures.citizen.get(OVERALL)
    checks = [
        _sample_check(
            "citizen_sample",
            label,
            overall.n if overall else 0,
            t.min_citizen_sample,
            _("%(level)s met: %(n)s citizen answers ≥ %(min)s required"),
            _("%(level)s refused: %(n)s citizen answers < %(min)s required"),
        ),
        _rate_check(
            "citizen_overall",
            label,
            _("overall citizen satisfaction at"),
            overall,
            t.min_citizen_rate_overall,
            t,
        ),
    ]
    for number in figures.engagement_numbers:
        checks.append(_citizen_engagement_check(figures, t, label, number))
    return checks


def _citizen_engagement_check(figures: Figures, t: Thresholds, label: str, number: int) -> Check:
    code = f"citizen_engagement_{number}"
    rate = figures.citizen.get(number)
    asked = figures.asked_engagements
    if (asked is None and rate is None) or (asked is not None and number not in asked):
        return Check(
            code,
            True,
            _("%(level)s: engagement %(number)s not measured by the survey (no question asks it)")
            % {"level": label, "number": number},
            informative=True,
        )
    n = rate.n if rate else 0
    if rate is None or rate.satisfaction_rate is None or rate.insufficient_sample:
        return _small_sample_check(code, t, label, number, n, figures.min_sample)
    return _rate_check(
        code,
        label,
        _("engagement %(number)s at") % {"number": number},
        rate,
        t.min_citizen_rate_engagement,
        t,
        _("(citizen satisfaction)"),
    )


def _small_sample_check(code, t: Thresholds, label, number, n, minimum) -> Check:
    """What the rule's below_min_sample field says about an engagement answered too little."""
    values = {"level": label, "number": number, "n": n, "min": minimum}
    if t.below_min_sample == BelowMinSample.BLOCK:
        text = _(
            "%(level)s refused: engagement %(number)s answered by %(n)s citizens, fewer than "
            "the %(min)s needed (small sample; this rule then refuses the level)"
        )
        return Check(code, False, text % values)
    if t.below_min_sample == BelowMinSample.CAP:
        text = _(
            "%(level)s: engagement %(number)s answered by %(n)s citizens, fewer than the "
            "%(min)s needed (small sample; this rule then caps the result at %(level)s)"
        )
        return Check(code, True, text % values, informative=True, caps=True)
    text = _(
        "%(level)s: engagement %(number)s answered by %(n)s citizens, fewer than the %(min)s "
        "needed (small sample; this rule then leaves it aside)"
    )
    return Check(code, True, text % values, informative=True)


def _agent_checks(figures: Figures, t: Thresholds, label: str) -> list[Check]:
    agent = figures.agent
    agent_n = agent.n if agent else 0
    return [
        _sample_check(
            "agent_sample",
            label,
            agent_n,
            t.min_agent_sample,
            _("%(level)s met: %(n)s agent answers ≥ %(min)s required"),
            _("%(level)s refused: %(n)s agent answers < %(min)s required"),
        ),
        _participation_check(figures.agents_count, agent_n, t, label),
        _rate_check(
            "agent_involvement",
            label,
            _("agent involvement at"),
            agent,
            t.min_agent_involvement,
            t,
        ),
    ]


def _participation_check(agents_count: int | None, answers: int, t: Thresholds, label) -> Check:
    """Agent answers over the centres' agents, against the rule's minimum participation."""
    if not agents_count:
        passed = t.min_agent_participation == 0
        text = (
            _("%(level)s: agent participation not measured (the centres' agents are not counted)")
            if passed
            else _(
                "%(level)s refused: agent participation not measured (the centres' agents are "
                "not counted) while %(min)s is required"
            )
        )
        values = {"level": label, "min": percent(t.min_agent_participation)}
        return Check("agent_participation", passed, text % values, informative=passed)
    share = answers / agents_count
    passed = _at_least(share, t.min_agent_participation)
    what = _("agent participation at")
    value = _("%(share)s (%(n)s answers for %(count)s agents)") % {
        "share": percent(share),
        "n": answers,
        "count": agents_count,
    }
    sentence = _compare(label, passed, what, value, percent(t.min_agent_participation))
    return Check("agent_participation", passed, sentence)


def _audit_checks(figures: Figures, t: Thresholds, label: str) -> list[Check]:
    checks = []
    for number in figures.engagement_numbers:
        conformity = figures.audit.get(number)
        if conformity is None:
            checks.append(
                Check(
                    f"audit_engagement_{number}",
                    False,
                    _("%(level)s refused: engagement %(number)s was not audited")
                    % {"level": label, "number": number},
                )
            )
            continue
        passed = _at_least(conformity, t.min_audit_conformity)
        checks.append(
            Check(
                f"audit_engagement_{number}",
                passed,
                _compare(
                    label,
                    passed,
                    _("engagement %(number)s at") % {"number": number},
                    percent(conformity),
                    percent(t.min_audit_conformity),
                )
                + " "
                + _("(audit conformity)"),
            )
        )
    return checks


def _finding_checks(figures: Figures, t: Thresholds, label: str) -> list[Check]:
    checks = []
    major, minor = figures.open_major, figures.open_minor
    if t.open_major_nc_blocks:
        passed = major == 0
        text = (
            _("%(level)s met: no open major NC")
            if passed
            else ngettext(
                "%(level)s refused: %(count)s open major NC (any open major NC blocks it)",
                "%(level)s refused: %(count)s open major NCs (any open major NC blocks it)",
                major,
            )
        )
        checks.append(Check("open_major_nc", passed, text % {"level": label, "count": major}))
    # « 1 NC majeure ouverte », « 2 NC majeures ouvertes »
    limits = [
        (
            "open_minor_nc",
            minor,
            t.max_open_minor_nc,
            ngettext("open minor NC", "open minor NCs", minor),
        )
    ]
    if not t.open_major_nc_blocks:
        limits.insert(
            0,
            (
                "open_major_nc",
                major,
                t.max_open_major_nc,
                ngettext("open major NC", "open major NCs", major),
            ),
        )
    for code, count, maximum, what in limits:
        passed = count <= maximum
        checks.append(
            Check(
                code,
                passed,
                (
                    _("%(level)s met: %(count)s %(what)s ≤ %(max)s allowed")
                    if passed
                    else _("%(level)s refused: %(count)s %(what)s > %(max)s allowed")
                )
                % {"level": label, "count": count, "what": what, "max": maximum},
            )
        )
    return checks


def _level_checks(figures: Figures, t: Thresholds) -> list[Check]:
    label = _level_label(t.level)
    return (
        _citizen_checks(figures, t, label)
        + _agent_checks(figures, t, label)
        + _audit_checks(figures, t, label)
        + _finding_checks(figures, t, label)
    )


def rules_evaluate(figures: Figures, thresholds: list[Thresholds]) -> list[LevelResult]:
    """Evaluate every level's rules; a level is reached when all its rules and the lower
    levels' rules pass, and no lower level's rule capped the result."""
    by_level = {t.level: t for t in thresholds}
    results = []
    lower_reached = True
    capped_at = None
    for level in LEVEL_ORDER:
        if level not in by_level:
            continue
        checks = _level_checks(figures, by_level[level])
        if capped_at is not None:
            checks.append(
                Check(
                    "capped",
                    False,
                    _("%(level)s refused: a small sample caps the result at %(cap)s")
                    % {"level": _level_label(level), "cap": capped_at},
                )
            )
        reached = lower_reached and all(c.passed for c in checks)
        results.append(LevelResult(level, _level_label(level), reached, checks))
        if reached and capped_at is None and any(c.caps for c in checks):
            capped_at = _level_label(level)
        lower_reached = reached
    return results


def level_reached(results: list[LevelResult]) -> str | None:
    """The highest level reached, or None (refusal)."""
    reached = [r.level for r in results if r.reached]
    return reached[-1] if reached else None


def audit_conformity(audit: Audit | None) -> dict[int, float | None]:
    """Weighted conformity per engagement over every sampled site (not applicable excluded)."""
    if audit is None:
        return {}
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    entries = GridEntry.objects.filter(site__audit=audit).values_list(
        "criterion__engagement__number", "criterion__weight", "conformity"
    )
    for number, weight, conformity in entries:
        if conformity not in CONFORMITY_SCORE:
            continue
        sums[number][0] += weight * CONFORMITY_SCORE[conformity]
        sums[number][1] += weight
    return {number: (s / w if w else None) for number, (s, w) in sums.items()}


def open_findings(application: Application) -> tuple[int, int]:
    """Open major and minor non-conformities over the application's audits."""
    findings = Finding.objects.filter(audit__application=application, closed_at__isnull=True)
    major = findings.filter(kind=FindingKind.MAJOR_NC).count()
    minor = findings.filter(kind=FindingKind.MINOR_NC).count()
    return major, minor


def initial_audit(application: Application) -> Audit | None:
    return (
        application.audits.filter(kind="initial").order_by("-start_date", "-pk").first()
        if application.pk
        else None
    )


def figures_for(application: Application, referential: Referential) -> Figures:
    """Gather the figures of an application (surveys through their public functions)."""
    from surveys.queries.results import (
        agent_involvement_rate,
        engagement_rates,
        min_sample,
        review_answer_rate,
    )

    citizen = engagement_rates(
        structure_id=application.structure_id,
        start=application.survey_start,
        end=application.survey_end,
    )
    agent = agent_involvement_rate(
        structure_id=application.structure_id,
        start=application.survey_start,
        end=application.survey_end,
    )
    review_answers = review_answer_rate(
        centre_ids=list(application.structure.centres.values_list("pk", flat=True)),
        start=application.survey_start,
        end=application.survey_end,
    )
    major, minor = open_findings(application)
    numbers = tuple(referential.engagements.order_by("number").values_list("number", flat=True))
    agents = application.structure.centres.aggregate(total=Sum("agents_count"))["total"]
    return Figures(
        asked_engagements=asked_engagements(application),
        agents_count=agents or None,
        min_sample=min_sample(),
        citizen=citizen,
        agent=agent,
        audit=audit_conformity(initial_audit(application)),
        open_major=major,
        open_minor=minor,
        engagement_numbers=numbers,
        review_answers=review_answers,
    )


def asked_engagements(application: Application) -> frozenset[int]:
    """The engagements that the structure's citizen questionnaires of the period ask about."""
    from surveys.enums import Audience
    from surveys.models import Question

    numbers = Question.objects.filter(
        questionnaire__audience=Audience.CITIZEN,
        questionnaire__campaigns__structure_id=application.structure_id,
        questionnaire__campaigns__opens_on__lte=application.survey_end,
        questionnaire__campaigns__closes_on__gte=application.survey_start,
        engagement_number__isnull=False,
    ).values_list("engagement_number", flat=True)
    return frozenset(numbers)


def self_assessment_context(application: Application) -> tuple[int, dict[int, str]]:
    """The centres' submitted self-assessments of the cycle, per engagement, for context only
    (read through centres' public functions; never part of a rule)."""
    from centres.enums import MaturityLevel, SelfAssessmentStatus
    from centres.queries import self_assessment_cycles, self_assessment_rows

    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    assessed = 0
    for centre in application.structure.centres.all():
        assessment = (
            self_assessment_cycles(centre)
            .filter(cycle=application.cycle, status=SelfAssessmentStatus.SUBMITTED)
            .first()
        )
        if assessment is None:
            continue
        assessed += 1
        for row in self_assessment_rows(assessment):
            if row["entry"] is not None and row["entry"].maturity_level:
                counts[row["number"]][row["entry"].maturity_level] += 1
    labels = dict(MaturityLevel.choices)
    summary = {
        number: ", ".join(
            f"{labels.get(level, level)} {count}" for level, count in sorted(by_level.items())
        )
        for number, by_level in counts.items()
    }
    return assessed, summary


def _rate_dict(rate) -> dict | None:
    if rate is None:
        return None
    return {
        "n": rate.n,
        "rate": _num(rate.satisfaction_rate),
        "wilson_low": _num(getattr(rate, "wilson_low", None)),
        "wilson_high": _num(getattr(rate, "wilson_high", None)),
        "insufficient_sample": bool(getattr(rate, "insufficient_sample", False)),
        "text": percent(rate.satisfaction_rate),
        "interval": (
            formatting.interval_text(
                rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
            )
            if getattr(rate, "wilson_low", None) is not None
            else ""
        ),
    }


def _num(value) -> float | None:
    return None if value is None else round(float(value), 6)


def scorecard_build(
    application: Application, *, referential: Referential | None = None, figures=None
) -> dict:
    """The scorecard of an application as JSON-ready data, against its referential or another
    version (what-if)."""
    referential = referential or application.referential
    figures = figures or figures_for(application, referential)
    thresholds = [Thresholds.from_rule(r) for r in referential.level_rules.all()]
    results = rules_evaluate(figures, thresholds)
    reached = level_reached(results)
    assessed, self_assessments = self_assessment_context(application)
    engagements = []
    for engagement in referential.engagements.order_by("number"):
        number = engagement.number
        engagements.append(
            {
                "number": number,
                "title": engagement.title,
                "citizen": _rate_dict(figures.citizen.get(number)),
                "audit_conformity": _num(figures.audit.get(number)),
                "audit_text": percent(figures.audit.get(number)),
                "self_assessment": self_assessments.get(number, ""),
                "review_answers": (
                    _rate_dict(figures.review_answers) if number == REVIEW_ENGAGEMENT else None
                ),
            }
        )
    return {
        "application": application.pk,
        "structure": application.structure.name,
        "cycle": application.cycle,
        "period": [application.survey_start.isoformat(), application.survey_end.isoformat()],
        "referential": {
            "version": referential.version,
            "name": referential.name,
            "is_illustrative": referential.is_illustrative,
        },
        "citizen_overall": _rate_dict(figures.citizen.get(OVERALL)),
        "agent_involvement": _rate_dict(figures.agent),
        "review_answer_rate": _rate_dict(figures.review_answers),
        "self_assessed_centres": assessed,
        "open_major_nc": figures.open_major,
        "open_minor_nc": figures.open_minor,
        "engagements": engagements,
        "levels": [
            {
                "level": r.level,
                "label": r.label,
                "reached": r.reached,
                "checks": [asdict(c) for c in r.checks],
            }
            for r in results
        ],
        "result": reached or "refused",
        "generated_at": timezone.now().isoformat(),
    }


def referentials_for_what_if(application: Application):
    """Other referential versions worth comparing with (every version that has level rules)."""
    return (
        Referential.objects.filter(~Q(pk=application.referential_id))
        .filter(level_rules__isnull=False)
        .distinct()
        .order_by("-version")
    )
