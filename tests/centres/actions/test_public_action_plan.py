import pytest
from django.urls import reverse

from centres.models import Centre
from centres.queries import published_actions

from ..factories import ActionFactory

pytestmark = pytest.mark.django_db


def public_url(code="lille"):
    return reverse("centres_public:action_plan", kwargs={"code": code})


def test_the_public_plan_shows_only_published_actions(client, organisation):
    ActionFactory(title="Publiée en cours", published=True, in_progress=True)
    ActionFactory(title="Publiée réalisée", published=True, done=True)
    ActionFactory(title="Non publiée", in_progress=True)
    ActionFactory(title="Publiée abandonnée", published=True, abandoned=True)
    ActionFactory(title="Autre centre", published=True, centre=Centre.objects.get(code="angers"))
    page = client.get(public_url()).content.decode()
    assert "Publiée en cours" in page and "Publiée réalisée" in page
    for hidden in ("Non publiée", "Publiée abandonnée", "Autre centre"):
        assert hidden not in page


def test_done_actions_appear_under_you_asked_us_we_did_it(client, organisation):
    ActionFactory(title="Rappel sous 48 heures", published=True, done=True)
    page = client.get(public_url()).content.decode()
    heading = page.index("Vous nous l'avez demandé, on l'a fait")
    assert heading < page.index("Rappel sous 48 heures") < page.index("Actions en cours")


def test_progress_is_shown_without_the_owner(client, organisation):
    ActionFactory(
        title="Former au langage clair", published=True, in_progress=True, owner_name="Marie Martin"
    )
    page = client.get(public_url()).content.decode()
    assert 'value="40"' in page and "40 %" in page
    assert "Marie Martin" not in page


def test_the_public_plan_needs_no_account_and_an_unknown_centre_is_404(client, organisation):
    assert client.get(public_url()).status_code == 200
    assert client.get(public_url("nulle-part")).status_code == 404


def test_an_empty_public_plan_says_so(client, organisation):
    page = client.get(public_url()).content.decode()
    assert "Aucune action réalisée n'a encore été publiée" in page


def test_the_public_plan_reads_in_a_fixed_number_of_queries(
    client, organisation, django_assert_max_num_queries
):
    ActionFactory.create_batch(10, published=True, in_progress=True)
    ActionFactory.create_batch(10, published=True, done=True)
    with django_assert_max_num_queries(3):
        response = client.get(public_url())
    assert response.content.decode().count("<tr>") == 11


def test_published_actions_is_the_public_read_for_other_pages(organisation):
    shown = ActionFactory(published=True)
    ActionFactory()
    assert list(published_actions(Centre.objects.get(code="lille"))) == [shown]
