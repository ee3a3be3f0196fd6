"""Sealed rollups: past days in one shard with their running totals; the same figures, read
from two days of totals whatever the period."""

import re
from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.models import CumulativeRollup, DailyRollup
from surveys.queries.results import MONTH, campaign_results, engagement_rates, period_counts
from surveys.services.rollups import (
    last_sealable_day,
    rollup_totals_differences,
    rollups_increment,
    rollups_seal,
    rollups_unseal,
)

from ..conftest import a_day
from .test_results import add_counts

pytestmark = pytest.mark.django_db

# Days spread over four months before today: a period that starts 80 days ago cuts the first.
SPREAD = {-95: {"very": 4}, -70: {"very": 9, "rather_not": 1}, -45: {"rather": 5}, -3: {"very": 2}}
# Periods (offsets from today, both days included) that start and end anywhere: before the
# first answer, on an answer's day, between answers, across months, after the last sealed day.
PERIODS = [
    (-80, 0),
    (-200, 0),
    (-95, -95),
    (-94, -3),
    (-70, -45),
    (-44, -4),
    (-3, -3),
    (-2, 0),
    (-200, -100),
    (-80, -50),
    (-96, -70),
]


def spread(campaign):
    for offset, counts in SPREAD.items():
        add_counts(campaign, "lille", "overall", counts, day=a_day(offset))
        add_counts(campaign, "lens", "e1", counts, day=a_day(offset))


def figures(campaign, start=-80, end=0):
    """Every figure of the results and of engagement_rates(), as plain comparable values."""
    start, end = a_day(start), a_day(end)
    centres = list(Centre.objects.filter(structure_id=campaign.structure_id))
    results = campaign_results(campaign=campaign, centres=centres, start=start, end=end)
    rows = results.by_engagement + results.by_centre + results.by_month
    rates = engagement_rates(structure_id=campaign.structure_id, start=start, end=end)
    return [(row.key, vars(row.rate)) for row in rows], {k: vars(r) for k, r in rates.items()}


def test_a_day_is_sealed_once_it_is_two_days_old():
    assert last_sealable_day(date(2026, 3, 1)) == date(2026, 2, 27)
    assert last_sealable_day(date(2026, 1, 1)) == date(2025, 12, 30)


def test_sealing_merges_the_shards_of_past_days_only(citizen_campaign):
    question = citizen_campaign.questionnaire.questions.get(code="overall")
    lille = Centre.objects.get(code="lille")
    for day in (a_day(-10), a_day(-1)):
        for shard in range(4):
            rollups_increment(
                campaign_id=citizen_campaign.pk,
                centre_id=lille.pk,
                day=day,
                values=[(question.pk, "very")],
                counts=[shard + 1],
                shard=shard,
            )
    rollups_seal(today=a_day())
    cells = DailyRollup.objects.order_by("day", "shard").values_list("day", "shard", "count")
    assert list(cells) == [(a_day(-10), 0, 10)] + [(a_day(-1), n, n + 1) for n in range(4)]


def test_sealing_writes_the_running_totals_of_every_day(citizen_campaign):
    add_counts(citizen_campaign, "lille", "overall", {"very": 3}, day=a_day(-6))
    add_counts(citizen_campaign, "lille", "overall", {"very": 2, "rather": 1}, day=a_day(-4))
    add_counts(citizen_campaign, "lille", "overall", {"very": 50}, day=a_day(-1))  # not sealed
    assert rollups_seal(today=a_day()) == 1
    totals = CumulativeRollup.objects.order_by("day", "value").values_list("day", "value", "count")
    assert list(totals) == [
        (a_day(-6), "very", 3),
        (a_day(-5), "very", 3),
        (a_day(-4), "rather", 1),
        (a_day(-4), "very", 5),
        (a_day(-3), "rather", 1),
        (a_day(-3), "very", 5),
        (a_day(-2), "rather", 1),
        (a_day(-2), "very", 5),
    ]
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.rollups_sealed_through == a_day(-2)


@pytest.mark.parametrize("period", PERIODS)
def test_sealed_days_give_the_same_figures_as_the_daily_rollups(citizen_campaign, period):
    spread(citizen_campaign)
    before = figures(citizen_campaign, *period)
    assert rollups_seal(today=a_day()) == 1
    citizen_campaign.refresh_from_db()
    assert figures(citizen_campaign, *period) == before


def test_months_cut_by_the_period_count_only_their_days_in_it(citizen_campaign):
    for offset in range(-70, 0):
        add_counts(citizen_campaign, "lille", "overall", {"very": 1}, day=a_day(offset))
    rollups_seal(today=a_day())
    citizen_campaign.refresh_from_db()
    start, end = a_day(-65), a_day(-1)
    counts = period_counts(start=start, end=end, keys=(MONTH,), campaigns=[citizen_campaign])
    expected = {}
    for offset in range(-65, 0):
        month = a_day(offset).replace(day=1)
        expected[month] = expected.get(month, 0) + 1
    assert {month: dict(values) for month, values in counts.items()} == {
        month: {"very": n} for month, n in expected.items()
    }


def test_sealed_days_are_read_from_the_running_totals(citizen_campaign):
    spread(citizen_campaign)
    before = figures(citizen_campaign)
    rollups_seal(today=a_day())
    citizen_campaign.refresh_from_db()
    DailyRollup.objects.filter(day__lte=citizen_campaign.rollups_sealed_through).delete()
    assert figures(citizen_campaign) == before


def test_an_answer_of_today_counts_at_once_after_sealing(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    add_counts(citizen_campaign, "lille", "overall", {"very": 7})
    rates = engagement_rates(
        structure_id=citizen_campaign.structure_id, start=a_day(-200), end=a_day()
    )
    assert rates["overall"].n == 4 + 10 + 5 + 2 + 7


def test_sealing_twice_writes_each_day_once(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    assert rollups_seal(today=a_day()) == 0
    add_counts(citizen_campaign, "lens", "overall", {"rather": 6}, day=a_day(1))
    assert rollups_seal(today=a_day(20)) == 1  # a later night seals the following days once
    sealed = citizen_campaign.__class__.objects.get(pk=citizen_campaign.pk).rollups_sealed_through
    assert sealed == a_day(18)
    daily = DailyRollup.objects.aggregate(n=Sum("count"))["n"]
    assert CumulativeRollup.objects.filter(day=sealed).aggregate(n=Sum("count"))["n"] == daily
    assert CumulativeRollup.objects.values("day").distinct().count() == 95 + 18 + 1
    assert rollup_totals_differences() == []


def test_sealing_stops_at_the_closing_day(citizen_campaign):
    spread(citizen_campaign)
    citizen_campaign.closes_on = a_day(-10)
    citizen_campaign.save()
    assert rollups_seal(today=a_day()) == 1
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.rollups_sealed_through == a_day(-10)
    assert not CumulativeRollup.objects.filter(day__gt=a_day(-10)).exists()
    assert rollups_seal(today=a_day(30)) == 0


def test_campaigns_sealed_to_different_days_add_up(citizen_campaign):
    other = citizen_campaign.__class__.objects.get(pk=citizen_campaign.pk)
    other.pk, other.slug, other.rollups_sealed_through = None, "usagers-autre", None
    other.save()
    spread(citizen_campaign)
    spread(other)
    rollups_seal(today=a_day(), campaign_ids=[citizen_campaign.pk])
    rollups_seal(today=a_day(-50), campaign_ids=[other.pk])  # sealed 52 days ago
    campaigns = citizen_campaign.__class__.objects.all()
    expected = {}
    for offset, values in SPREAD.items():
        for value, count in values.items():
            if offset >= -80:  # 2 campaigns x 2 cells (Lille overall, Lens e1)
                expected[value] = expected.get(value, 0) + 4 * count
    counts = period_counts(start=a_day(-80), end=a_day(), campaigns=campaigns)
    assert dict(counts[None]) == expected == {"very": 44, "rather_not": 4, "rather": 20}
    by_month = period_counts(start=a_day(-80), end=a_day(), campaigns=campaigns, keys=(MONTH,))
    assert sum(values["very"] for values in by_month.values()) == expected["very"]


def test_unsealing_forgets_the_running_totals(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    before = figures(citizen_campaign)
    rollups_unseal(campaign_id=citizen_campaign.pk)
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.rollups_sealed_through is None
    assert not CumulativeRollup.objects.exists() and figures(citizen_campaign) == before


def shown(response) -> list[str]:
    """The charts and tables of a results page."""
    return re.findall(r"<svg.*?</svg>|<table.*?</table>", response.content.decode(), re.S)


def test_the_results_page_shows_the_same_figures_once_sealed(client, users, citizen_campaign):
    spread(citizen_campaign)
    client.force_login(users[Role.DITP_ADMIN])
    period = {"start": a_day(-80).isoformat(), "end": a_day().isoformat()}
    before = shown(client.get(reverse("surveys:results"), period))
    rollups_seal(today=a_day())
    assert len(before) >= 6 and shown(client.get(reverse("surveys:results"), period)) == before
