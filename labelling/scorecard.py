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

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centres import formatting

from .enums import CONFORMITY_SCORE, LEVEL_ORDER, FindingKind, Level
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

    @classmethod
    def from_rule(cls, rule: LevelRule) -> "Thresholds":
        return cls(**{f.name: getattr(rule, f.name) for f in cls.__dataclass_fields__.values()})


@dataclass
class Check:
    code: str
    passed: bool
    sentence: str
    informative: bool = False  # shown for context, does not decide the level


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


def _level_checks(figures: Figures, t: Thresholds) -> list[Check]:
    label = _level_label(t.level)
    checks: list[Check] = []
    overall = figures.citizen.get(OVERALL)
    n = overall.n if overall else 0
    checks.append(
        Check(
            "citizen_sample",
            n >= t.min_citizen_sample,
            _("%(level)s met: %(n)s citizen answers ≥ %(min)s required")
            % {"level": label, "n": n, "min": t.min_citizen_sample}
            if n >= t.min_citizen_sample
            else _("%(level)s refused: %(n)s citizen answers < %(min)s required")
            % {"level": label, "n": n, "min": t.min_citizen_sample},
        )
    )
    rate = overall.satisfaction_rate if overall else None
    passed = _at_least(rate, t.min_citizen_rate_overall)
    checks.append(
        Check(
            "citizen_overall",
            passed,
            _compare(
                label,
                passed,
                _("overall citizen satisfaction at"),
                percent(rate),
                percent(t.min_citizen_rate_overall),
            ),
        )
    )
    for number in figures.engagement_numbers:
        rate_of = figures.citizen.get(number)
        if rate_of is None or rate_of.satisfaction_rate is None or rate_of.insufficient_sample:
            checks.append(
                Check(
                    f"citizen_engagement_{number}",
                    True,
                    _("%(level)s: engagement %(number)s not assessed by citizens (small sample)")
                    % {"level": label, "number": number},
                    informative=True,
                )
            )
            continue
        passed = _at_least(rate_of.satisfaction_rate, t.min_citizen_rate_engagement)
        checks.append(
            Check(
                f"citizen_engagement_{number}",
                passed,
                _compare(
                    label,
                    passed,
                    _("engagement %(number)s at") % {"number": number},
                    percent(rate_of.satisfaction_rate),
                    percent(t.min_citizen_rate_engagement),
                )
                + " "
                + _("(citizen satisfaction)"),
            )
        )
    agent = figures.agent
    agent_n = agent.n if agent else 0
    passed = agent_n >= t.min_agent_sample
    checks.append(
        Check(
            "agent_sample",
            passed,
            (
                _("%(level)s met: %(n)s agent answers ≥ %(min)s required")
                if passed
                else _("%(level)s refused: %(n)s agent answers < %(min)s required")
            )
            % {"level": label, "n": agent_n, "min": t.min_agent_sample},
        )
    )
    agent_rate = agent.satisfaction_rate if agent else None
    passed = _at_least(agent_rate, t.min_agent_involvement)
    checks.append(
        Check(
            "agent_involvement",
            passed,
            _compare(
                label,
                passed,
                _("agent involvement at"),
                percent(agent_rate),
                percent(t.min_agent_involvement),
            ),
        )
    )
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
    major, minor = figures.open_major, figures.open_minor
    for code, count, maximum, what in (  # « 1 NC majeure ouverte », « 2 NC majeures ouvertes »
        (
            "open_major_nc",
            major,
            t.max_open_major_nc,
            ngettext("open major NC", "open major NCs", major),
        ),
        (
            "open_minor_nc",
            minor,
            t.max_open_minor_nc,
            ngettext("open minor NC", "open minor NCs", minor),
        ),
    ):
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


def rules_evaluate(figures: Figures, thresholds: list[Thresholds]) -> list[LevelResult]:
    """Evaluate every level's rules; a level is reached when all its rules and the lower
    levels' rules pass."""
    by_level = {t.level: t for t in thresholds}
    results = []
    lower_reached = True
    for level in LEVEL_ORDER:
        if level not in by_level:
            continue
        checks = _level_checks(figures, by_level[level])
        reached = lower_reached and all(c.passed for c in checks)
        results.append(LevelResult(level, _level_label(level), reached, checks))
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
    from surveys.queries.results import agent_involvement_rate, engagement_rates, review_answer_rate

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
    return Figures(
        citizen=citizen,
        agent=agent,
        audit=audit_conformity(initial_audit(application)),
        open_major=major,
        open_minor=minor,
        engagement_numbers=numbers,
        review_answers=review_answers,
    )


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
