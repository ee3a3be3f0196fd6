"""robots.txt keeps private and survey addresses out of indexes; the sitemap index lists
every public page, in files of a bounded size."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from centres.models import Centre
from labelling.sitemaps import CentrePages

pytestmark = pytest.mark.django_db


def _locations(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_robots_keeps_private_and_survey_addresses_out_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    for path in ("/s/", "/enquetes/", "/centres/", "/tableau-de-bord/", "/connexion/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /avis/*/donner-mon-avis/" in lines
    assert "Disallow: /centres-publics/" not in lines and "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_index_lists_the_site_pages_and_the_centre_files(client, organisation, monkeypatch):
    monkeypatch.setattr(CentrePages, "limit", 25)  # 20 centres x 3 pages: 3 files
    index = client.get("/sitemap.xml").content.decode()
    assert _locations(index) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-centres.xml",
        "http://testserver/sitemap-centres.xml?p=2",
        "http://testserver/sitemap-centres.xml?p=3",
    ]


def test_the_centre_files_hold_every_page_of_every_active_centre_once(
    client, organisation, monkeypatch
):
    monkeypatch.setattr(CentrePages, "limit", 25)
    Centre.objects.filter(code="lens").update(is_active=False)
    found = []
    for page in (1, 2, 3):
        xml = client.get("/sitemap-centres.xml", {"p": page}).content.decode()
        found += _locations(xml)
    expected = {
        f"http://testserver{reverse(name, kwargs={'code': c.code})}"
        for c in Centre.objects.filter(is_active=True)
        for name in ("public_centre", "centres_public:action_plan", "surveys:public_reviews")
    }
    assert len(found) == len(expected) == 57 and set(found) == expected
    assert client.get("/sitemap-centres.xml", {"p": 4}).status_code == 404


def test_every_address_of_the_sitemap_is_a_public_page(organisation):
    anonymous = Client()
    xml = anonymous.get("/sitemap-pages.xml").content.decode()
    xml += anonymous.get("/sitemap-centres.xml").content.decode()
    locations = _locations(xml)
    assert "http://testserver/trouver-un-service/" in locations
    for location in locations[:12]:
        assert anonymous.get(location.removeprefix("http://testserver")).status_code == 200


def test_an_unknown_section_is_a_404(client, db):
    assert client.get("/sitemap-inconnu.xml").status_code == 404
