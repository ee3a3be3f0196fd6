"""Public result functions, the results page, and k-anonymity of agent results."""

import pytest
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.anonymity import suppressed_cells
from surveys.models import Question
from surveys.queries.results import agent_involvement_rate, engagement_rates
from surveys.services.rollups import rollups_increment, rollups_seal

from ..conftest import a_day

pytestmark = pytest.mark.django_db


def add_counts(campaign, centre_code, question_code, counts: dict, day=None):
    question = Question.objects.get(questionnaire=campaign.questionnaire, code=question_code)
    rollups_increment(
        campaign_id=campaign.pk,
        centre_id=Centre.objects.get(code=centre_code).pk,
        day=day or a_day(-1),
        values=[(question.pk, value) for value in counts],
        counts=list(counts.values()),
    )


SEED = {"very": 840, "rather": 140, "rather_not": 15, "not_at_all": 5, "dont_know": 37}


def test_engagement_rates_read_the_rollups_per_engagement(citizen_campaign):
    add_counts(citizen_campaign, "lille", "overall", SEED)
    add_counts(citizen_campaign, "lille", "e1", {"very": 3, "rather_not": 1})
    rates = engagement_rates(
        structure_id=citizen_campaign.structure_id, start=a_day(-7), end=a_day()
    )
    assert set(rates) == {1, "overall"}
    assert rates["overall"].satisfaction_rate == pytest.approx(0.98)
    assert rates["overall"].wilson_low == pytest.approx(0.96931, abs=1e-6)
    assert rates[1].n == 4 and rates[1].insufficient_sample


def test_engagement_rates_filter_by_period_and_centre(citizen_campaign):
    add_counts(citizen_campaign, "lille", "overall", {"very": 5}, day=a_day(-20))
    add_counts(citizen_campaign, "lens", "overall", {"very": 7})
    structure = citizen_campaign.structure_id
    recent = engagement_rates(structure_id=structure, start=a_day(-7), end=a_day())
    lille = engagement_rates(
        structure_id=structure,
        start=a_day(-30),
        end=a_day(),
        centre_ids=[Centre.objects.get(code="lille").pk],
    )
    assert recent["overall"].n == 7 and lille["overall"].n == 5


def test_agent_involvement_rate_is_the_headline_share(agent_campaign):
    add_counts(
        agent_campaign,
        "lille",
        "involvement",
        {"very": 30, "rather": 47, "rather_not": 15, "not_at_all": 8, "dont_know": 4},
    )
    rate = agent_involvement_rate(  # whole campaigns: those that opened in the period
        structure_id=agent_campaign.structure_id, start=a_day(-40), end=a_day()
    )
    assert (rate.n, rate.satisfaction_rate) == (100, 0.77)


def test_agent_involvement_rate_is_withheld_below_k(agent_campaign):
    add_counts(agent_campaign, "lille", "involvement", {"very": 3, "rather": 1})
    rate = agent_involvement_rate(
        structure_id=agent_campaign.structure_id, start=a_day(-40), end=a_day()
    )
    assert rate.n == 0 and rate.insufficient_sample


def recoverable_by_subtraction(sizes: dict, hidden: set, k: int) -> bool:
    """Can a hidden group smaller than k be computed from the total and the shown cells?"""
    if not hidden or sum(sizes.values()) < k:  # below k the total is withheld too
        return False
    # The visible cells and the total are published: only the sum of the hidden cells can be
    # derived, so it must cover at least two cells and k people.
    return sum(sizes[key] for key in hidden) < k or len(hidden) == 1


@pytest.mark.parametrize(
    "sizes",
    [
        {"a": 40, "b": 38, "c": 3},
        {"a": 40, "b": 2, "c": 1, "d": 39},
        {"a": 6, "b": 4, "c": 41},
        {"a": 2, "b": 2},
        {"a": 40, "b": 41},
    ],
)
def test_k_suppression_hides_small_groups_and_cannot_be_undone(sizes):
    hidden = suppressed_cells(sizes, k=5)
    assert all(key in hidden for key, size in sizes.items() if 0 < size < 5)
    assert not recoverable_by_subtraction(sizes, hidden, k=5)


def test_the_results_page_hides_small_agent_groups(client, users, agent_campaign):
    add_counts(agent_campaign, "lille", "involvement", {"very": 20, "rather": 10, "no": 0})
    add_counts(agent_campaign, "lens", "involvement", {"very": 25, "rather_not": 10})
    add_counts(agent_campaign, "angers", "involvement", {"very": 2})
    client.force_login(users[Role.DITP_ADMIN])
    html = client.get(reverse("surveys:results"), {"campaign": "agents-test"}).content.decode()
    assert html.count("Non affiché : moins de 5 répondants") == 2  # Angers, and Lille or Lens
    assert "67" in html  # the total 67 respondents stays published


def test_the_results_page_shows_rates_with_intervals(
    client, users, citizen_campaign, django_assert_max_num_queries
):
    add_counts(citizen_campaign, "lille", "overall", SEED)
    add_counts(citizen_campaign, "lens", "e1", {"very": 6})
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("surveys:results"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "98\u202f%" in html and "96,9\u202f% – 98,7\u202f%" in html
    assert "échantillon insuffisant" in html and "+96\u00a0pts" in html
    assert "<svg" in html and "<table" in html


def test_a_referent_sees_only_their_centre(client, users, citizen_campaign):
    add_counts(citizen_campaign, "lille", "overall", {"very": 10})
    add_counts(citizen_campaign, "lens", "overall", {"very": 90})
    client.force_login(users[Role.REFERENT])
    html = client.get(reverse("surveys:results")).content.decode()
    assert "Centre de contact de Lille" in html and "Centre de contact de Lens" not in html
    assert "<td>10</td>" in html and "<td>100</td>" not in html
    forged = client.get(reverse("surveys:results"), {"centre": "lens"})
    assert forged.status_code == 400


def test_the_results_page_refuses_a_reversed_period(client, users, citizen_campaign):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.get(reverse("surveys:results"), {"start": "2025-06-01", "end": "2025-01-01"})
    assert response.status_code == 400
    assert "La fin de la période doit suivre son début." in response.content.decode()


def test_the_results_page_reads_the_rollups_in_two_queries_sealed_or_not(
    client, users, citizen_campaign, django_assert_num_queries
):
    add_counts(citizen_campaign, "lille", "overall", SEED, day=a_day(-70))
    add_counts(citizen_campaign, "lens", "e1", {"very": 3})
    client.force_login(users[Role.DITP_ADMIN])
    period = {"start": a_day(-80).isoformat(), "end": a_day().isoformat()}
    # session, user, roles, campaigns, centres, questions, 2 on the rollups, session touch (3)
    with django_assert_num_queries(11):
        client.get(reverse("surveys:results"), period)
    rollups_seal(today=a_day())
    with django_assert_num_queries(11):
        response = client.get(reverse("surveys:results"), period)
    assert "98\u202f%" in response.content.decode()
