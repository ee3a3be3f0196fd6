import pytest
from django.urls import reverse
from django.utils.html import escape

from centres.models import Centre

pytestmark = pytest.mark.django_db


def test_the_search_page_lists_the_twenty_centres_with_their_city(
    client, organisation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):  # count, page, certificates, campaigns
        response = client.get(reverse("search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<a class="fr-link" href="/centres-publics/') == 20
    for centre in Centre.objects.all():
        assert f"{centre.postal_code} {centre.city}" in html
        assert escape(centre.name) in html


def test_home_shows_the_programme_figures_and_the_search_not_a_list(client, organisation):
    html = client.get(reverse("home")).content.decode()
    assert 'action="/trouver-un-service/"' in html
    assert "20</p><p>services ouverts au public" in html
    assert "/centres-publics/" not in html


def test_home_shows_the_eight_engagements_of_the_referential_in_force(client, organisation):
    html = client.get(reverse("home")).content.decode()
    assert "Votre demande est traitée dans les délais annoncés." in html
    assert html.count('<li value="') == 8


def test_home_is_in_french(client, organisation):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="fr"' in html
    assert "Les huit engagements" in html
    assert "Se connecter" in html


def test_footer_has_the_mandatory_links(client, db):
    html = client.get(reverse("home")).content.decode()
    for name in ("accessibility", "legal_notice", "personal_data"):
        assert f'href="{reverse(name)}"' in html


def test_state_brand_block_can_be_turned_off(client, db, settings):
    settings.STATE_BRAND = True
    assert 'class="fr-logo"' in client.get(reverse("home")).content.decode()
    settings.STATE_BRAND = False
    assert 'class="fr-logo"' not in client.get(reverse("home")).content.decode()


def test_unknown_page_is_a_french_404(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_every_page_sends_a_content_security_policy(client, db):
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_forged_host_header_gets_a_french_400_not_a_server_error(client, db):
    response = client.get(reverse("home"), HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
