"""The demo campaigns reproduce the published figures and are consistent with their rollups."""

from datetime import date

import pytest

from surveys.demo.campaigns import CITIZEN_SLUG, surveys_demo_seed
from surveys.models import Campaign
from surveys.queries.results import agent_involvement_rate, engagement_rates
from surveys.services.rollups import rollups_differences

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_published_figures(organisation):
    surveys_demo_seed(structure=organisation)
    surveys_demo_seed(structure=organisation)  # idempotent
    assert Campaign.objects.filter(slug=CITIZEN_SLUG).count() == 1
    year = {"structure_id": organisation.pk, "start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    overall = engagement_rates(**year)["overall"]
    assert (overall.satisfaction_rate, overall.very_satisfied_share) == (0.98, 0.84)
    assert agent_involvement_rate(**year).satisfaction_rate == pytest.approx(0.77)
    assert rollups_differences() == []
