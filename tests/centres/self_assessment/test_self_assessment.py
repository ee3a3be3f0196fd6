import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from centres.enums import MaturityLevel, Role, SelfAssessmentStatus
from centres.models import Centre, SelfAssessment
from centres.services.self_assessment import EntryData, self_assessment_save, self_assessment_submit

from ..factories import SelfAssessmentFactory, complete_entries

pytestmark = pytest.mark.django_db


def url(name, code="lille", cycle=2025):
    return reverse(f"centres:{name}", kwargs={"code": code, "cycle": cycle})


def form_data(levels=None, **extra):
    """POST data of the edit form: one prefix per engagement."""
    data = {}
    for number in range(1, 9):
        level = (levels or {}).get(number, "")
        data.update(
            {
                f"e{number}-maturity_level": level,
                f"e{number}-strengths": "",
                f"e{number}-gaps": "",
                f"e{number}-evidence": "",
            }
        )
    data.update(extra)
    return data


def test_a_referent_saves_a_draft_of_their_centre_self_assessment(client, users):
    client.force_login(users[Role.REFERENT])
    data = form_data({1: MaturityLevel.ESTABLISHED}, **{"e1-strengths": "Accueil courtois"})
    response = client.post(url("self_assessment_edit"), data)
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(centre__code="lille", cycle=2025)
    assert assessment.status == SelfAssessmentStatus.DRAFT
    entry = assessment.entries.get(engagement_number=1)
    assert (entry.maturity_level, entry.strengths) == ("established", "Accueil courtois")
    assert assessment.entries.count() == 8


def test_a_referent_gets_404_on_another_centre_self_assessment(client, users):
    client.force_login(users["other_referent"])
    assert client.get(url("self_assessment_edit")).status_code == 404
    assert client.post(url("self_assessment_edit"), form_data()).status_code == 404
    assert client.post(url("self_assessment_submit")).status_code == 404
    assert client.get(url("self_assessment")).status_code == 404
    assert not SelfAssessment.objects.exists()


def test_an_unknown_maturity_level_is_refused_in_french_and_nothing_is_stored(client, users):
    client.force_login(users[Role.REFERENT])
    response = client.post(url("self_assessment_edit"), form_data({2: "excellent"}))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_submission_needs_a_maturity_level_for_every_engagement(users):
    lille = Centre.objects.get(code="lille")
    entries = {n: EntryData(maturity_level=MaturityLevel.EMERGING) for n in range(1, 8)}
    self_assessment_save(centre=lille, cycle=2025, entries=entries, by=users[Role.REFERENT])
    with pytest.raises(ValidationError, match=r"manquant : 8"):
        self_assessment_submit(centre=lille, cycle=2025, by=users[Role.REFERENT])
    assert SelfAssessment.objects.get().status == SelfAssessmentStatus.DRAFT


def test_the_submit_page_lists_the_missing_engagements_and_refuses_in_french(client, users):
    SelfAssessmentFactory()
    client.force_login(users[Role.REFERENT])
    assert "Engagement 8" in client.get(url("self_assessment_submit")).content.decode()
    response = client.post(url("self_assessment_submit"))
    assert response.status_code == 400
    assert "Indiquez un niveau de maturité pour chaque engagement" in response.content.decode()


def test_a_submitted_self_assessment_is_frozen(client, users):
    assessment = SelfAssessmentFactory()
    complete_entries(assessment)
    client.force_login(users[Role.REFERENT])
    assert client.post(url("self_assessment_submit")).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessmentStatus.SUBMITTED
    assert assessment.submitted_by == users[Role.REFERENT]
    with pytest.raises(ValidationError):
        self_assessment_save(
            centre=assessment.centre, cycle=2025, entries={1: EntryData()}, by=None
        )
    response = client.post(url("self_assessment_edit"), form_data())
    assert response.status_code == 302
    assert assessment.entries.get(engagement_number=1).maturity_level == "established"


@pytest.mark.parametrize("role", [Role.CORRESPONDENT, Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN])
def test_network_and_national_roles_read_the_self_assessment_but_cannot_edit_it(
    client, users, role
):
    assessment = SelfAssessmentFactory(
        status=SelfAssessmentStatus.SUBMITTED,
        submitted_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    )
    complete_entries(assessment)
    client.force_login(users[role])
    page = client.get(url("self_assessment")).content.decode()
    assert "Soumis" in page and "Établi" in page
    assert url("self_assessment_edit") not in page
    assert client.get(url("self_assessment_edit")).status_code == 403


def test_a_cycle_that_is_not_a_year_is_not_found(client, users):
    client.force_login(users[Role.REFERENT])
    assert client.get(url("self_assessment", cycle=12)).status_code == 404


def test_the_list_of_cycles_reads_in_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    for cycle in (2023, 2024, 2025):
        SelfAssessmentFactory(cycle=cycle)
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("centres:self_assessment_list", args=["lille"]))
    assert response.content.decode().count("<tr>") == 4
