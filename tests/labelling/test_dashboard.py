"""The dashboard: each role's to-dos with their counts and links; its number of queries does
not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from surveys.defaults import CITIZEN_CODE
from tests.centres.factories import ActionFactory
from tests.surveys.reviews.factories import ReviewFactory
from tests.surveys.worlds import campaign_of

from .conftest import drive, make_application

pytestmark = pytest.mark.django_db


def todos(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return {t["title"]: t for t in response.context["todos"]}


def some_data(count: int) -> None:
    today = timezone.localdate()
    for _ in range(count):
        ActionFactory(due_date=today - datetime.timedelta(days=3))
        ReviewFactory(published=True, published_at=timezone.now() - datetime.timedelta(days=2))
        ReviewFactory()


def test_a_referent_sees_reviews_to_answer_with_days_left_and_overdue_actions(client, users):
    some_data(2)
    seen = todos(client, users[Role.REFERENT])
    reviews = seen["Avis à traiter"]
    assert reviews["count"] == 2 and reviews["detail"] == "5 jours restants pour le plus ancien"
    assert reviews["url"] == reverse("surveys:review_list") + "?status=to_answer"
    actions = seen["Actions en retard"]
    assert actions["count"] == 2
    assert actions["url"] == reverse("centres:action_list", args=["lille"])
    assert "Avis à modérer" not in seen
    assert todos(client, users["other_referent"])["Avis à traiter"]["count"] == 0


def test_the_correspondent_sees_moderation_and_running_campaigns(client, users):
    some_data(3)
    campaign_of(CITIZEN_CODE, "enquete-en-cours")
    client.force_login(users[Role.CORRESPONDENT])
    response = client.get(reverse("dashboard"))
    seen = {t["title"]: t for t in response.context["todos"]}
    assert seen["Avis à modérer"]["count"] == 3
    [campaign] = response.context["campaigns"]
    assert campaign.slug == "enquete-en-cours"
    assert "0 réponse" in response.content.decode()


def test_deciders_see_the_decisions_and_appeals_waiting(client, users, referential):
    application = drive(make_application(users), users, "proposed")
    seen = todos(client, users[Role.DECIDER])
    assert seen["Décisions en attente"]["count"] == 1
    assert seen["Recours en attente"]["count"] == 0
    listed = client.get(seen["Décisions en attente"]["url"]).context["applications"]
    assert list(listed) == [application]
    assert todos(client, users[Role.AUDITOR])["Candidatures en attente d'audit"]["count"] == 0


@pytest.mark.parametrize("role", [Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT])
def test_the_number_of_queries_does_not_grow_with_the_data(client, users, role):
    client.force_login(users[role])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    some_data(1)
    few = queries()
    some_data(30)
    assert queries() == few
