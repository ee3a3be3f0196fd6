"""Each rule of the default (illustrative) referential, just at and just past its threshold.

Figures go in as surveys' own Rate objects (the type its public functions return)."""

from decimal import Decimal

import pytest

from labelling.models import LevelRule
from labelling.scorecard import (
    OVERALL,
    Figures,
    Thresholds,
    _at_least,
    level_reached,
    percent,
    rules_evaluate,
)
from surveys.stats import Rate

LEVELS = ["bronze", "argent", "or"]


def rate(share: float | Decimal, n: int = 1000) -> Rate:
    satisfied = round(float(share) * n)
    return Rate(very_satisfied=satisfied, not_at_all_satisfied=n - satisfied, min_n=30)


def figures(**changes) -> Figures:
    """Figures that pass every level; `changes` lowers one of them."""
    citizen = {number: rate(0.95, 1000) for number in range(1, 9)}
    citizen[OVERALL] = rate(0.98, 4000)
    values = {
        "citizen": citizen,
        "agent": rate(0.95, 500),
        "audit": dict.fromkeys(range(1, 9), 1.0),
        "open_major": 0,
        "open_minor": 0,
        "agents_count": 1000,
    }
    for key, value in changes.items():
        if key == "citizen_engagement_3":
            values["citizen"] = {**citizen, 3: value}
        elif key == "citizen_overall":
            values["citizen"] = {**citizen, OVERALL: value}
        elif key == "audit_3":
            values["audit"] = {**values["audit"], 3: value}
        else:
            values[key] = value
    return Figures(**values)


@pytest.fixture
def thresholds(referential):
    return {
        r.level: Thresholds.from_rule(r) for r in LevelRule.objects.filter(referential=referential)
    }


def check_of(figs, thresholds, level, code):
    results = rules_evaluate(figs, list(thresholds.values()))
    result = next(r for r in results if r.level == level)
    return next(c for c in result.checks if c.code == code)


# (check code, figures at the threshold, figures just past it)
CASES = {
    "citizen_engagement_3": lambda t: (
        figures(citizen_engagement_3=rate(t.min_citizen_rate_engagement)),
        figures(citizen_engagement_3=rate(t.min_citizen_rate_engagement - Decimal("0.001"))),
    ),
    "citizen_overall": lambda t: (
        figures(citizen_overall=rate(t.min_citizen_rate_overall, 4000)),
        figures(citizen_overall=rate(t.min_citizen_rate_overall - Decimal("0.001"), 4000)),
    ),
    "citizen_sample": lambda t: (
        figures(citizen_overall=rate(0.98, t.min_citizen_sample)),
        figures(citizen_overall=rate(0.98, t.min_citizen_sample - 1)),
    ),
    "agent_involvement": lambda t: (
        figures(agent=rate(t.min_agent_involvement)),
        figures(agent=rate(t.min_agent_involvement - Decimal("0.001"))),
    ),
    "agent_sample": lambda t: (
        figures(agent=rate(0.95, t.min_agent_sample)),
        figures(agent=rate(0.95, t.min_agent_sample - 1)),
    ),
    "audit_engagement_3": lambda t: (
        figures(audit_3=float(t.min_audit_conformity)),
        figures(audit_3=float(t.min_audit_conformity) - 0.001),
    ),
    # An open major NC blocks every level by default (LevelRule.open_major_nc_blocks).
    "open_major_nc": lambda t: (
        figures(open_major=0 if t.open_major_nc_blocks else t.max_open_major_nc),
        figures(open_major=1 if t.open_major_nc_blocks else t.max_open_major_nc + 1),
    ),
    # Rates are compared as shown, rounded to one decimal (issue 16): « just past » is one
    # shown tenth of a point below the minimum, as for the other rates above.
    "agent_participation": lambda t: (
        figures(agent=rate(0.95, 500), agents_count=int(500 / t.min_agent_participation)),
        figures(
            agent=rate(0.95, 500),
            agents_count=int(500 / (t.min_agent_participation - Decimal("0.001"))) + 1,
        ),
    ),
    "open_minor_nc": lambda t: (
        figures(open_minor=t.max_open_minor_nc),
        figures(open_minor=t.max_open_minor_nc + 1),
    ),
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("code", list(CASES))
def test_each_rule_passes_at_its_threshold_and_fails_just_past_it(thresholds, level, code):
    at, past = CASES[code](thresholds[level])
    assert check_of(at, thresholds, level, code).passed
    failed = check_of(past, thresholds, level, code)
    assert not failed.passed
    assert failed.sentence.startswith(f"{failed_label(level)} refusé : ")


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("code", list(CASES))
def test_failing_one_rule_of_a_level_denies_that_level_and_every_level_above(
    thresholds, level, code
):
    _at, past = CASES[code](thresholds[level])
    reached = level_reached(rules_evaluate(past, list(thresholds.values())))
    below = LEVELS[: LEVELS.index(level)]
    assert reached not in LEVELS[LEVELS.index(level) :]
    if reached is not None:
        assert reached in below


def test_the_refusal_sentence_names_the_engagement_the_rate_and_the_threshold(thresholds):
    check = check_of(
        figures(citizen_engagement_3=rate(0.71)), thresholds, "or", "citizen_engagement_3"
    )
    assert (
        check.sentence
        == "Or refusé : engagement 3 à 71\u202f% < 80\u202f% (satisfaction des usagers)"
    )


def test_a_met_rule_also_explains_itself(thresholds):
    check = check_of(figures(agent=rate(0.77, 600)), thresholds, "argent", "agent_involvement")
    assert check.sentence == "Argent atteint : implication des agents à 77\u202f% ≥ 70\u202f%"


def test_the_dgfip_figures_reach_silver_but_not_gold(thresholds):
    dgfip = figures(
        citizen_overall=Rate(very_satisfied=3360, rather_satisfied=560, rather_dissatisfied=80),
        agent=rate(0.77, 600),
        agents_count=800,
        audit_3=0.88,
        open_minor=2,
    )
    results = rules_evaluate(dgfip, list(thresholds.values()))
    assert level_reached(results) == "argent"
    refused = [c.sentence for r in results if r.level == "or" for c in r.checks if not c.passed]
    assert refused == [
        "Or refusé : implication des agents à 77\u202f% < 85\u202f%",
        "Or refusé : engagement 3 à 88\u202f% < 90\u202f% (conformité d'audit)",
    ]


def test_an_engagement_never_audited_denies_every_level(thresholds):
    figs = figures(audit={n: 1.0 for n in range(1, 8)})
    assert level_reached(rules_evaluate(figs, list(thresholds.values()))) is None


def test_percentages_are_rounded_as_everywhere_and_the_rule_judges_the_shown_figure():
    assert percent(0.7999) == "80\u202f%"
    assert percent(0.79949) == "79,9\u202f%"
    assert percent(0.8) == "80\u202f%"
    assert percent(None) == "—"
    # The sentence and the verdict agree: a rate shown as 80 % meets an 80 % threshold.
    assert _at_least(0.79951, Decimal("0.8")) and not _at_least(0.79949, Decimal("0.8"))


def failed_label(level: str) -> str:
    return {"bronze": "Bronze", "argent": "Argent", "or": "Or"}[level]


def test_a_single_open_nc_reads_in_the_singular(thresholds):
    """It read « 1 NC majeures ouvertes »."""
    figs = figures(open_major=1, open_minor=2)
    major = check_of(figs, thresholds, "bronze", "open_major_nc").sentence
    minor = check_of(figs, thresholds, "bronze", "open_minor_nc").sentence
    assert " 1 NC majeure ouverte " in major and "majeures" not in major
    assert " 2 NC mineures ouvertes " in minor
