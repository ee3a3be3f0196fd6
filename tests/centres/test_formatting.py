"""The one formatting rule (centres.formatting), on cases computed by hand."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from centres.formatting import (
    bar_width,
    date_text,
    interval_bars,
    interval_percentages,
    interval_text,
    ordinal,
    percent_text,
    percentage,
    points_text,
    yes_no,
)
from surveys.stats import Rate, wilson_interval

PC = "\u202f%"  # thin no-break space, then the sign


@pytest.mark.parametrize(
    "value, shown",
    [
        (2 / 3, "66,7"),  # truncated, it read 66,6
        (0.85859, "85,9"),  # engagement 2: 85,8 truncated
        (1717 / 2000, "85,9"),  # 85,85 exactly: half-up
        (0.0125, "1,3"),  # 1,25: half-up, where half-even would give 1,2
        (0.97655, "97,7"),  # Lille: 97,6 on its page, 97,7 in the open data
        (0.7999999999999999, "80"),  # binary noise is 0.8
        (0.98, "98"),  # a whole number without its « ,0 »
        (0.0004, "0"),
        (1, "100"),
    ],
)
def test_a_rate_is_rounded_half_up_to_one_decimal(value, shown):
    assert percent_text(value) == shown + PC


def test_a_rate_that_does_not_exist_reads_as_a_dash():
    assert percent_text(None) == "—"
    assert percentage(None) is None


def test_the_rounded_percentage_is_a_decimal_number_for_files_and_rules():
    assert percentage(2 / 3) == Decimal("66.7")
    assert percentage(Decimal("0.80")) == Decimal("80.0")


def test_a_bar_is_drawn_to_the_rounded_value():
    assert bar_width(0.85859) == "85.9"  # it was drawn to 85
    assert bar_width(0.98) == "98"
    assert bar_width(None) == "0"


def test_a_centre_at_100_percent_has_an_interval_ending_at_100_percent():
    low, high = wilson_interval(24, 24)  # 1 / (1 + z² / 24) = 0.862024 by hand
    assert interval_text(low, high, around=1.0) == f"86,2{PC} – 100{PC}"
    assert interval_bars(low, high, around=1.0) == ("86.2", "100")


def test_interval_bounds_are_widened_to_the_shown_rate():
    assert interval_percentages(0.9, 0.95, around=0.96) == (Decimal("90.0"), Decimal("96.0"))
    assert interval_percentages(0.9, 0.95, around=0.89) == (Decimal("89.0"), Decimal("95.0"))


@given(n=st.integers(min_value=1, max_value=100_000), data=st.data())
def test_the_shown_interval_always_contains_the_shown_rate(n, data):
    successes = data.draw(st.integers(min_value=0, max_value=n))
    rate = Rate(very_satisfied=successes, not_at_all_satisfied=n - successes)
    low, high = interval_percentages(
        rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
    )
    assert low <= percentage(rate.satisfaction_rate) <= high


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.96, "+96\u00a0pts"),  # it read « +96,0 % »
        (-0.045, "\u22124,5\u00a0pts"),
        (0.015, "+1,5\u00a0pt"),  # singular below 2 in French
        (0.02, "+2\u00a0pts"),
        (0, "0\u00a0pt"),
    ],
)
def test_a_net_rate_is_written_in_points(value, shown):
    assert points_text(value) == shown


def test_english_keeps_its_own_separator_and_plural():
    with translation.override("en"):
        assert percent_text(2 / 3) == "66.7" + PC
        assert points_text(0.015) == "+1.5\u00a0pts"
        assert points_text(0.01) == "+1\u00a0pt"
        assert [ordinal(n) for n in (1, 2, 3, 4, 11, 22)] == [
            "1st",
            "2nd",
            "3rd",
            "4th",
            "11th",
            "22nd",
        ]


def test_the_first_of_the_month_is_written_1er_in_french():
    assert date_text(date(2025, 12, 1)) == "1er décembre 2025"
    assert date_text(date(2025, 12, 2)) == "2 décembre 2025"
    assert date_text(date(2025, 12, 1), "SHORT_DATE_FORMAT") == "01/12/2025"
    assert [ordinal(n) for n in (1, 2, 10)] == ["1er", "2e", "10e"]


def test_a_date_and_time_is_read_in_local_time():
    # 23:30 UTC on 30 November is already 1 December in Paris.
    at = datetime(2025, 11, 30, 23, 30, tzinfo=UTC)
    assert date_text(at, "DATETIME_FORMAT") == "1er décembre 2025 00:30"


def test_booleans_read_oui_and_non():
    assert (yes_no(True), yes_no(False)) == ("oui", "non")


def test_the_template_filters_apply_the_same_rule():
    template = Template(
        "{% load formatting %}{{ r.satisfaction_rate|percent }} | {{ r|rate_interval }} | "
        "{{ r.net_rate|points }} | {{ r.satisfaction_rate|bar }} | {{ day|long_date }}"
    )
    rate = Rate(very_satisfied=2, rather_dissatisfied=1)
    text = template.render(Context({"r": rate, "day": date(2025, 12, 1)}))
    assert text == f"66,7{PC} | 20,8{PC} – 93,9{PC} | +33,3\u00a0pts | 66.7 | 1er décembre 2025"
