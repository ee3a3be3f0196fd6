"""Subtraction attack on the demo agent campaign: every figure the results page, the results
export, survey_results and the scorecard publish, under every filter they accept (each centre
or all, any period end, any period start), is collected; then no figure, no difference of two
figures and no total minus the centres shown may isolate 1 to k-1 agents."""

import json
from datetime import timedelta
from io import StringIO
from itertools import combinations

import pytest
from django.core.management import call_command
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.demo.campaigns import AGENT_SLUG, surveys_demo_seed
from surveys.models import Campaign
from surveys.queries.exports import result_rows
from surveys.queries.results import agent_involvement_rate, agent_tables, campaign_results

pytestmark = pytest.mark.django_db

K = 5


@pytest.fixture
def demo(organisation):
    surveys_demo_seed(structure=organisation)
    return Campaign.objects.select_related("questionnaire", "structure").get(slug=AGENT_SLUG)


def _periods(campaign) -> list[tuple]:
    """Every period end with the first day, every start with the last day, and the days
    around the campaign: what the page's two date fields accept."""
    days = [campaign.opens_on + timedelta(days=n) for n in range(-1, 28)]
    return [(campaign.opens_on, end) for end in days] + [
        (start, campaign.closes_on) for start in days
    ]


class Published:
    """Figures as an attacker collects them: (centres covered, people counted)."""

    def __init__(self):
        self.figures: set[tuple[frozenset, int]] = set()

    def add(self, centres, people: int | None) -> None:
        if people:
            self.figures.add((frozenset(centres), people))

    def add_results(self, figures, selection: list[int]) -> None:
        for row in figures.by_centre:
            if not row.hidden:
                self.add({row.key}, row.rate.answers)
        if figures.total and not figures.total.hidden:
            self.add(selection, figures.total.rate.answers)

    def isolated_groups(self) -> list[tuple]:
        """Every group of 1..k-1 people an attacker can compute."""
        found = [(s, n) for s, n in self.figures if n < K]
        for (s1, n1), (s2, n2) in combinations(self.figures, 2):
            if s2 <= s1 or s1 <= s2:
                difference = abs(n1 - n2)
                if 0 < difference < K:
                    found.append((s1 ^ s2, difference))
        single = {next(iter(s)): n for s, n in self.figures if len(s) == 1}
        for covered, people in self.figures:
            rest = people - sum(n for centre, n in single.items() if centre in covered)
            if 0 < rest < K:
                found.append((covered, rest))
        return found


def test_no_subtraction_of_published_agent_figures_isolates_fewer_than_k(client, users, demo):
    centres = list(Centre.objects.filter(structure=demo.structure).order_by("code"))
    selections = [centres] + [[centre] for centre in centres]
    published = Published()
    for selection in selections:
        ids = [c.pk for c in selection]
        for start, end in _periods(demo):  # the query the page, the export and the command run
            published.add_results(
                campaign_results(campaign=demo, centres=selection, start=start, end=end), ids
            )
        for row in list(
            result_rows(campaign=demo, centres=selection, start=demo.opens_on, end=demo.closes_on)
        )[1:]:
            if row[0] == "centre" and row[-1] == "false":
                published.add({int(row[1])}, int(row[3]) + _dont_know(demo, int(row[1])))
    client.force_login(users[Role.DITP_ADMIN])
    for code in [""] + [c.code for c in centres]:
        for start, end in [(demo.opens_on, demo.closes_on), (demo.opens_on, demo.opens_on)]:
            page = client.get(
                reverse("surveys:results"),
                {"campaign": AGENT_SLUG, "centre": code, "start": start, "end": end},
            )
            assert page.status_code == 200
            selection = [c.pk for c in centres if c.code == code] or [c.pk for c in centres]
            published.add_results(page.context["results"], selection)
        published_command(published, demo, code, centres)
    year = demo.opens_on.replace(month=1, day=1)
    for start, end in [
        (year, year.replace(month=12, day=31)),
        (year, demo.opens_on - timedelta(1)),
    ]:
        rate = agent_involvement_rate(structure_id=demo.structure_id, start=start, end=end)
        published.add([c.pk for c in centres], rate.answers)
    assert len(published.figures) > 10  # the demo publishes figures at all
    assert published.isolated_groups() == []


def _dont_know(campaign, centre_id: int) -> int:
    rate = agent_tables(campaign).by_centre.get(centre_id)
    return rate.dont_know if rate else 0


def published_command(published: Published, campaign, code: str, centres) -> None:
    out = StringIO()
    args = ["survey_results", "--campaign", campaign.slug] + (["--centre", code] if code else [])
    call_command(*args, stdout=out)
    payload = json.loads(out.getvalue())
    by_code = {c.code: c.pk for c in centres}
    for row in payload["by_centre"]:
        if not row.get("hidden"):
            published.add({int(row["key"])}, row["n"] + row["dont_know"])
    total = payload["total"]
    if total and not total.get("hidden"):
        published.add([by_code[c] for c in payload["centres"]], total["n"] + total["dont_know"])


def test_a_centre_hidden_for_the_campaign_stays_hidden_when_filtered_alone(demo):
    tables = agent_tables(demo)
    hidden = [centre for centre, rate in tables.by_centre.items() if rate is None]
    assert len(hidden) >= 2  # the small centre and at least one that protects it
    for centre in Centre.objects.filter(pk__in=hidden):
        alone = campaign_results(
            campaign=demo, centres=[centre], start=demo.opens_on, end=demo.closes_on
        )
        assert [row.hidden for row in alone.by_centre] == [True]
        assert alone.total is None  # no total of a subset of the campaign's centres
        assert alone.by_centre[0].rate.answers == 0  # a hidden line carries no figure
