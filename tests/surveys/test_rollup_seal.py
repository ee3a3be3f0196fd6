"""Sealed rollups: past days in one shard, past months summed; the same figures, read faster."""

import re
from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.models import DailyRollup, MonthlyRollup
from surveys.queries import campaign_results
from surveys.results import engagement_rates, whole_months
from surveys.services import rollups_increment
from surveys.services_rollups import (
    last_compactable_day,
    last_sealable_day,
    rollup_months_differences,
    rollups_seal,
    rollups_unseal,
)

from .conftest import a_day
from .test_results import add_counts

pytestmark = pytest.mark.django_db

# Days spread over four months before today: the first and the last month are cut by a period
# that starts 80 days ago.
SPREAD = {-95: {"very": 4}, -70: {"very": 9, "rather_not": 1}, -45: {"rather": 5}, -3: {"very": 2}}


def spread(campaign):
    for offset, counts in SPREAD.items():
        add_counts(campaign, "lille", "overall", counts, day=a_day(offset))
        add_counts(campaign, "lens", "e1", counts, day=a_day(offset))


def figures(campaign):
    """Every figure of the results and of engagement_rates(), as plain comparable values."""
    centres = list(Centre.objects.filter(structure_id=campaign.structure_id))
    results = campaign_results(campaign=campaign, centres=centres, start=a_day(-80), end=a_day())
    rows = results.by_engagement + results.by_centre + results.by_month
    rates = engagement_rates(structure_id=campaign.structure_id, start=a_day(-80), end=a_day())
    return [(row.key, vars(row.rate)) for row in rows], {k: vars(r) for k, r in rates.items()}


def test_a_day_or_a_month_is_sealed_once_its_last_day_is_two_days_old():
    assert last_compactable_day(date(2026, 3, 1)) == date(2026, 2, 27)
    assert last_sealable_day(date(2026, 2, 1)) == date(2025, 12, 31)
    assert last_sealable_day(date(2026, 2, 2)) == date(2026, 1, 31)


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


def test_whole_months_of_a_period_exclude_its_cut_months():
    assert whole_months(date(2025, 3, 15), date(2025, 6, 10)) == (
        date(2025, 4, 1),
        date(2025, 5, 31),
    )
    assert whole_months(date(2025, 3, 1), date(2025, 3, 31)) == (
        date(2025, 3, 1),
        date(2025, 3, 31),
    )
    first, last = whole_months(date(2025, 3, 2), date(2025, 3, 30))
    assert first > last


def test_sealed_months_give_the_same_figures_as_the_daily_rollups(citizen_campaign):
    spread(citizen_campaign)
    before = figures(citizen_campaign)
    assert rollups_seal(today=a_day()) == 1
    citizen_campaign.refresh_from_db()
    assert MonthlyRollup.objects.exists()
    assert figures(citizen_campaign) == before


def test_sealed_months_are_read_from_the_monthly_rollups(citizen_campaign):
    spread(citizen_campaign)
    before = figures(citizen_campaign)
    rollups_seal(today=a_day())
    citizen_campaign.refresh_from_db()
    first, _last = whole_months(a_day(-80), a_day())
    sealed = citizen_campaign.rollups_sealed_through
    DailyRollup.objects.filter(day__gte=first, day__lte=sealed).delete()
    assert figures(citizen_campaign) == before


def test_an_answer_of_today_counts_at_once_after_sealing(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    add_counts(citizen_campaign, "lille", "overall", {"very": 7})
    rates = engagement_rates(
        structure_id=citizen_campaign.structure_id, start=a_day(-200), end=a_day()
    )
    assert rates["overall"].n == 4 + 10 + 5 + 2 + 7


def test_sealing_twice_sums_each_month_once(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    assert rollups_seal(today=a_day()) == 0
    rollups_seal(today=a_day(40))  # a later night seals the following month once
    sealed = citizen_campaign.__class__.objects.get(pk=citizen_campaign.pk).rollups_sealed_through
    daily = DailyRollup.objects.filter(day__lte=sealed).aggregate(n=Sum("count"))["n"]
    assert MonthlyRollup.objects.aggregate(n=Sum("count"))["n"] == daily
    assert rollup_months_differences() == []


def test_unsealing_forgets_the_monthly_rollups(citizen_campaign):
    spread(citizen_campaign)
    rollups_seal(today=a_day())
    before = figures(citizen_campaign)
    rollups_unseal(campaign_id=citizen_campaign.pk)
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.rollups_sealed_through is None
    assert not MonthlyRollup.objects.exists() and figures(citizen_campaign) == before


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
