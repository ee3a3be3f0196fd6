import pytest
from django.urls import reverse

from centres.access import get_centre, visible_centres
from centres.enums import Role

pytestmark = pytest.mark.django_db


def codes(user):
    return set(visible_centres(user).values_list("code", flat=True))


def test_a_referent_sees_only_their_own_centre(users):
    assert codes(users[Role.REFERENT]) == {"lille"}


def test_a_correspondent_sees_every_centre_of_their_network_only(users, foreign_centre):
    visible = codes(users[Role.CORRESPONDENT])
    assert len(visible) == 20
    assert "ailleurs" not in visible


@pytest.mark.parametrize("role", [Role.DITP_ADMIN, Role.AUDITOR, Role.DECIDER])
def test_national_roles_see_every_centre(users, foreign_centre, role):
    assert len(codes(users[role])) == 21


def test_a_user_without_role_sees_nothing(users):
    assert codes(users["no_role"]) == set()


def test_a_centre_outside_the_scope_is_a_404(client, users):
    client.force_login(users[Role.REFERENT])
    assert client.get(reverse("centres:detail", args=["angers"])).status_code == 404
    assert client.get(reverse("centres:detail", args=["lille"])).status_code == 200


def test_a_missing_role_is_a_403_with_a_french_message(client, users):
    client.force_login(users["no_role"])
    response = client.get(reverse("centres:list"))
    assert response.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page" in response.content.decode()


def test_get_centre_raises_404_for_another_network(users, foreign_centre):
    from django.http import Http404

    with pytest.raises(Http404):
        get_centre(users[Role.CORRESPONDENT], "ailleurs")


def test_centre_list_reads_in_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    client.force_login(users[Role.DITP_ADMIN])
    with django_assert_max_num_queries(7):
        response = client.get(reverse("centres:list"))
    assert response.content.decode().count("<tr>") == 21
