"""The header of every page: the language switch (a link, kept on small screens in the menu
modal) and the brand block read in the page's language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _switch(client, code: str, next_url: str):
    return client.get(reverse("language_switch", args=[code]), {"next": next_url})


def test_the_switch_remembers_the_language_and_goes_back_to_the_page(client):
    response = _switch(client, "en", "/centres-publics/lille/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/centres-publics/lille/?page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in html
    assert "The eight engagements" in html


@pytest.mark.parametrize(
    "target", ["https://attacker.example/", "//attacker.example/", "/\\attacker.example", "x"]
)
def test_the_switch_never_sends_the_visitor_to_another_site(client, target):
    assert _switch(client, "en", target)["Location"] == "/"


def test_an_unknown_language_is_a_french_404(client):
    response = _switch(client, "de", "/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_every_page_links_to_itself_in_the_other_language(client):
    html = client.get(reverse("home"), {"q": "Lille"}).content.decode()
    assert 'href="/langue/en/?next=%2F%3Fq%3DLille"' in html
    assert 'lang="en" hreflang="en"' in html and ">English</a>" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    assert 'href="/langue/fr/?next=%2F"' in html and ">Français</a>" in html


def _brand(html: str) -> str:
    return re.search(r'<p class="fr-logo">(.*?)</p>', html).group(1)


def test_the_brand_reads_french_republic_in_english_and_republique_francaise_in_french(client):
    assert _brand(client.get(reverse("home")).content.decode()) == "République<br>Française"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _brand(client.get(reverse("home")).content.decode()) == "French<br>Republic"


def test_the_survey_header_has_the_menu_button_and_modal_for_small_screens(client, organisation):
    from tests.surveys.worlds import survey_link

    html = client.get(reverse("surveys:answer", kwargs=survey_link(None))).content.decode()
    assert 'id="button-menu"' in html and 'aria-controls="modal-menu"' in html
    assert 'class="fr-header__menu fr-modal" id="modal-menu"' in html
    assert ">English</a>" in html
