"""Level rules that say what they did: not measured vs small sample, what a small sample does
(ignore, block, cap), Wilson lower bound, agent participation, open major NCs; and referential
versions whose thresholds cannot contradict each other."""

from dataclasses import replace
from decimal import Decimal

import pytest

from centres.enums import Role
from labelling import services
from labelling.models import LevelRule, Referential
from labelling.scorecard import OVERALL, Thresholds, level_reached, rules_evaluate
from surveys.stats import Rate

from .test_scorecard_rules import check_of, figures, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(referential):
    return {
        r.level: Thresholds.from_rule(r) for r in LevelRule.objects.filter(referential=referential)
    }


def _reached(figs, thresholds):
    return level_reached(rules_evaluate(figs, list(thresholds.values())))


def test_an_engagement_the_questionnaire_does_not_ask_is_not_measured(thresholds):
    citizen = {n: rate(0.95) for n in (1, 2, 3, 5)} | {OVERALL: rate(0.98, 4000)}
    figs = figures(citizen=citizen, asked_engagements=frozenset({1, 2, 3, 5}))
    check = check_of(figs, thresholds, "or", "citizen_engagement_4")
    assert check.passed and check.informative
    assert check.sentence == (
        "Or : engagement 4 non mesuré par l’enquête (aucune question ne le porte)"
    )
    assert "échantillon insuffisant" not in check.sentence


def test_an_asked_engagement_without_enough_answers_is_a_small_sample(thresholds):
    small = Rate(very_satisfied=10, not_at_all_satisfied=19, min_n=30)
    check = check_of(figures(citizen_engagement_3=small), thresholds, "or", "citizen_engagement_3")
    assert "29 usagers" in check.sentence and "échantillon insuffisant" in check.sentence
    assert "non mesuré" not in check.sentence


def test_34_percent_on_29_answers_no_longer_gives_silver(thresholds):
    small = Rate(very_satisfied=10, not_at_all_satisfied=19, min_n=30)  # 34 %, n = 29
    figs = figures(citizen_engagement_3=small)
    assert _reached(figs, thresholds) == "bronze"  # Bronze caps, Argent and Or block
    argent = check_of(figs, thresholds, "argent", "citizen_engagement_3")
    assert not argent.passed and argent.sentence.startswith("Argent refusé : engagement 3")
    bronze = check_of(figs, thresholds, "bronze", "citizen_engagement_3")
    assert "plafonne le résultat à Bronze" in bronze.sentence


@pytest.mark.parametrize(
    ("behaviour", "expected"), [("ignore", "or"), ("block", None), ("cap", "bronze")]
)
def test_the_small_sample_behaviour_is_a_field_of_each_rule(thresholds, behaviour, expected):
    small = Rate(very_satisfied=10, not_at_all_satisfied=19, min_n=30)
    rules = {level: replace(t, below_min_sample=behaviour) for level, t in thresholds.items()}
    assert _reached(figures(citizen_engagement_3=small), rules) == expected


def test_52_agent_answers_out_of_800_fail_the_participation_rule(thresholds):
    figs = figures(agent=rate(0.95, 52), agents_count=800)
    check = check_of(figs, thresholds, "bronze", "agent_participation")
    assert not check.passed
    assert check.sentence == (
        "Bronze refusé : participation des agents à 6,5\u202f% (52 réponses pour 800 agents)"
        " < 30\u202f%"
    )
    assert _reached(figs, thresholds) is None


def test_an_open_major_nc_blocks_bronze_by_default(thresholds):
    assert thresholds["bronze"].max_open_major_nc == 1
    figs = figures(open_major=1)
    assert _reached(figs, thresholds) is None
    check = check_of(figs, thresholds, "bronze", "open_major_nc")
    assert check.sentence.startswith("Bronze refusé : 1 NC majeure")
    loose = {level: replace(t, open_major_nc_blocks=False) for level, t in thresholds.items()}
    assert _reached(figs, loose) == "bronze"


def test_the_wilson_lower_bound_can_replace_the_point_estimate(thresholds):
    # 80 % on 400 answers: the point estimate meets Argent's 80 %, the lower bound does not.
    figs = figures(citizen_overall=rate(0.80, 400))
    assert check_of(figs, thresholds, "argent", "citizen_overall").passed
    strict = {level: replace(t, use_wilson_lower_bound=True) for level, t in thresholds.items()}
    check = check_of(figs, strict, "argent", "citizen_overall")
    assert not check.passed
    assert "borne basse de l’intervalle à 95\u00a0%" in check.sentence


def test_every_sentence_of_the_seed_rules_reads_in_french(thresholds):
    for result in rules_evaluate(figures(), list(thresholds.values())):
        for check in result.checks:
            assert " met" not in check.sentence and "refused" not in check.sentence
            assert check.sentence.startswith(result.label)


# ---------------------------------------------------------------- referential validation


def _derive(users, rules):
    return services.referential_version_derive(
        source_id=Referential.objects.get(version=1).pk,
        by=users[Role.DITP_ADMIN],
        name="Projet contradictoire",
        level_rules=rules,
    )


def test_a_version_where_bronze_demands_more_agents_than_gold_is_refused(users, referential):
    with pytest.raises(services.LabelError) as error:
        _derive(
            users,
            {
                "bronze": {"min_agent_involvement": Decimal("0.95")},
                "or": {"min_agent_involvement": Decimal("0.75")},
            },
        )
    message = str(error.value)
    assert "Argent demande moins que Bronze" in message and "95\u202f%" in message
    assert "Or demande moins que Bronze" in message and "75\u202f%" in message
    assert Referential.objects.count() == 1


def test_a_higher_level_allowing_more_open_nc_is_refused(users, referential):
    with pytest.raises(services.LabelError, match="Or admet plus que Argent"):
        _derive(users, {"or": {"max_open_minor_nc": 9}})


def test_a_monotonic_version_is_accepted(users, referential):
    new = _derive(users, {"or": {"min_agent_involvement": Decimal("0.9")}})
    assert new.version == 2


def test_the_rule_form_refuses_a_contradiction_in_french_and_stores_nothing(client, users):
    from django.urls import reverse

    from tests.labelling.conftest import ensure_default_referential
    from tests.labelling.test_referential_editing import form_data

    source = ensure_default_referential()
    data = form_data(source, name="Projet", **{"bronze-min_agent_involvement": "95"})
    client.force_login(users[Role.DITP_ADMIN])
    response = client.post(
        reverse("labelling:referential_new_version", kwargs={"pk": source.pk}), data
    )
    assert 400 <= response.status_code < 500
    assert "demande moins que Bronze" in response.content.decode()
    assert Referential.objects.count() == 1
