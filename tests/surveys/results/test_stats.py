"""Rates and Wilson intervals against independently computed vectors and a hand example."""

import json
from pathlib import Path

import pytest

from surveys.stats import Rate, wilson_interval

# The shared folder sits beside the repository (CI provides it; a skip there is a failure).
REPOSITORY = Path(__file__).resolve().parents[3]
VECTORS = REPOSITORY.parent / "shared" / "vectors" / "satisfaction.json"
FIELDS = {
    "tres_satisfait": "very_satisfied",
    "plutot_satisfait": "rather_satisfied",
    "plutot_pas_satisfait": "rather_dissatisfied",
    "pas_du_tout_satisfait": "not_at_all_satisfied",
    "ne_sait_pas": "dont_know",
}
EXPECTED = {
    "n": "n",
    "satisfaction_rate": "satisfaction_rate",
    "very_satisfied_share": "very_satisfied_share",
    "net_satisfaction": "net_rate",
    "wilson95_low": "wilson_low",
    "wilson95_high": "wilson_high",
    "insufficient_sample": "insufficient_sample",
}


def load_cases():
    if not VECTORS.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no vectors file {VECTORS}"))]
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    return [pytest.param(case, id=case["name"]) for case in cases]


@pytest.mark.parametrize("case", load_cases())
def test_rates_match_the_shared_vectors(case):
    counts = {FIELDS[key]: value for key, value in case["counts"].items()}
    rate = Rate(**counts, min_n=case["min_n"])
    for key, attribute in EXPECTED.items():
        expected, actual = case["expected"][key], getattr(rate, attribute)
        if expected is None or isinstance(expected, bool):
            assert actual == expected, key
        else:
            assert actual == pytest.approx(expected, abs=1e-6), key


def test_rates_match_a_hand_computed_example():
    # 45 satisfied of 50 (10 very), 3 don't know: p = 0.9, Wilson by hand 0.786 .. 0.9565.
    rate = Rate(
        very_satisfied=10,
        rather_satisfied=35,
        rather_dissatisfied=4,
        not_at_all_satisfied=1,
        dont_know=3,
    )
    assert (rate.n, rate.satisfaction_rate, rate.very_satisfied_share) == (50, 0.9, 0.2)
    assert rate.net_rate == pytest.approx(0.8)
    assert rate.wilson_low == pytest.approx(0.786, abs=5e-4)
    assert rate.wilson_high == pytest.approx(0.9565, abs=5e-4)
    assert rate.insufficient_sample is False


def test_an_empty_rate_has_no_figures_and_is_insufficient():
    rate = Rate()
    assert rate.satisfaction_rate is rate.wilson_low is rate.net_rate is None
    assert rate.insufficient_sample and wilson_interval(0, 0) is None


def test_rates_add_up_their_counts():
    total = Rate(very_satisfied=1, dont_know=2) + Rate(rather_dissatisfied=3)
    assert (total.very_satisfied, total.rather_dissatisfied, total.dont_know) == (1, 3, 2)
