"""« Trouver un service »: accent- and case-insensitive search by name, city, postal code,
department and network, paginated, with the label and the latest satisfaction on each result."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from centres.models import Centre
from centres.search import centres_search, search_text

from ..factories import CentreFactory, NetworkFactory, StructureFactory
from .worlds import labelled_structure, lens_with_a_small_sample, lille_with_results

pytestmark = pytest.mark.django_db


def _codes(query: str) -> list[str]:
    return list(centres_search(query).values_list("code", flat=True))


def _search(client, **params):
    return client.get(reverse("search"), params)


def _result_links(html: str) -> list[str]:
    return re.findall(r'<a class="fr-link" href="/centres-publics/([^/]+)/">', html)


def test_a_city_with_accents_is_found_without_them_and_in_any_case(organisation):
    assert _codes("angouleme") == ["angouleme"]
    assert _codes("ANGOULÊME") == ["angouleme"]
    assert _codes("charleville mezieres") == ["charleville-mezieres"]


def test_a_postal_code_finds_its_centre_and_a_department_every_centre_in_it(organisation):
    CentreFactory(code="roubaix", city="Roubaix", postal_code="59100")
    assert _codes("59000") == ["lille"]
    assert _codes("591") == ["roubaix"]  # three digits: a department code (or a start)
    assert _codes("59") == ["lille", "roubaix"]
    assert "lyon" not in _codes("69 lille")  # every word must match


def test_corsica_is_found_by_its_department_codes(db):
    CentreFactory(code="ajaccio", city="Ajaccio", postal_code="20000")
    CentreFactory(code="bastia", city="Bastia", postal_code="20200")
    assert _codes("2A") == ["ajaccio"]
    assert _codes("2b") == ["bastia"]
    assert _codes("20") == ["ajaccio", "bastia"]


def test_a_network_or_a_structure_name_finds_its_centres(db):
    network = NetworkFactory(code="caf", name="Caisses d'allocations familiales")
    structure = StructureFactory(network=network, name="CAF de l'Hérault")
    CentreFactory(structure=structure, code="caf-beziers", city="Béziers", postal_code="34500")
    CentreFactory(code="other", city="Ailleurs")
    assert _codes("allocations") == ["caf-beziers"]
    assert _codes("herault") == ["caf-beziers"]


def test_short_words_are_left_out_unless_they_are_all_there_is(db):
    CentreFactory(code="eu", city="Eu", postal_code="76260")
    CentreFactory(code="le-mans", city="Le Mans", postal_code="72000")
    assert _codes("le mans") == ["le-mans"]
    assert _codes("eu") == ["eu"]


def test_inactive_centres_are_not_found(organisation):
    Centre.objects.filter(code="lille").update(is_active=False)
    assert _codes("lille") == []


def test_search_text_matches_what_unaccent_gives():
    assert search_text("Cœur d'Évêque ÀÉÎÕÜ ç") == "coeur d'eveque aeiou c"


def test_the_page_finds_lille_by_postal_code_with_its_label_and_rate(client, users):
    world = SimpleNamespace(users=users)
    labelled_structure(world)
    lille_with_results(world)
    html = _search(client, q="59000").content.decode()
    assert _result_links(html) == ["lille"]
    assert "1 service trouvé pour « 59000 »" in html
    assert "Label Argent" in html
    assert "des usagers satisfaits (" in html


def test_a_small_sample_and_no_survey_say_so(client, organisation):
    lens_with_a_small_sample()
    html = _search(client, q="lens").content.decode()
    assert "Échantillon insuffisant pour publier un taux" in html
    html = _search(client, q="vesoul").content.decode()
    assert "Pas encore d'enquête publiée" in html


def test_results_are_paginated_by_twenty_and_keep_the_query(client, db):
    structure = StructureFactory()
    for n in range(45):
        CentreFactory(structure=structure, code=f"c{n:02}", city=f"Ville {n:02}")
    html = _search(client, q="ville", page=3).content.decode()
    assert len(_result_links(html)) == 5
    assert "45 services trouvés pour « ville »" in html
    assert 'href="?q=ville&amp;page=2"' in html or 'href="?q=ville&page=2"' in html


def test_the_pages_counted_in_their_own_query_cover_every_result_once(client, db):
    structure = StructureFactory()
    for n in range(45):
        CentreFactory(structure=structure, code=f"c{n:02}", city=f"Ville {n:02}")
    every = _codes("ville")
    pages = [_search(client, q="ville", page=n).content.decode() for n in (1, 2, 3)]
    assert [code for html in pages for code in _result_links(html)] == every
    assert all("45 services trouvés pour « ville »" in html for html in pages)
    assert all("Page " in html and " sur 3" in html for html in pages)
    # Beyond the last page, or before the first: the last page, counted the usual way.
    for page in ("4", "0", "100001", "9" * 18):
        html = _search(client, q="ville", page=page).content.decode()
        assert _result_links(html) == every[40:]
        assert "45 services trouvés pour « ville »" in html


def test_the_page_reads_in_a_bounded_number_of_queries(client, users, django_assert_num_queries):
    world = SimpleNamespace(users=users)
    labelled_structure(world)
    lille_with_results(world)
    # lille: networks, structures; the page with its total (one query), certificates,
    # campaigns, rollups of one period
    with django_assert_num_queries(6):
        response = _search(client, q="lille")
    assert response.status_code == 200


def test_nothing_found_is_an_explained_empty_state(client, organisation):
    html = _search(client, q="zzzz").content.decode()
    assert "0 service trouvé" in html
    assert "Aucun service ne correspond à cette recherche." in html


@pytest.mark.parametrize("query", ["x" * 201, "lille\x00"])
def test_a_bad_query_is_a_french_400(client, organisation, query):
    response = _search(client, q=query)
    assert response.status_code == 400
    assert 'class="fr-error-text"' in response.content.decode()


def test_a_bad_page_number_shows_a_page_not_an_error(client, organisation):
    assert _search(client, q="", page="abc").status_code == 200
    assert _search(client, q="", page="99999").status_code == 200
