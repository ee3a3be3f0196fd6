"""The DSFR pagination: links that lead nowhere are disabled as the DSFR prescribes."""

import re

import pytest
from django.urls import reverse

from tests.surveys.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def links(page: str) -> dict[str, str]:
    """The pagination's first/previous/next/last links: label -> opening tag."""
    tags = re.findall(r'<a class="fr-pagination__link fr-pagination__link--[^>]*>[^<]*<', page)
    return {re.search(r">([^<]*)<$", tag).group(1).strip(): tag for tag in tags}


@pytest.fixture
def reviews_url(organisation):
    ReviewFactory.create_batch(25, published=True)  # three pages of ten
    return reverse("surveys:public_reviews", kwargs={"code": "lille"})


def test_on_the_first_page_first_and_previous_are_disabled_links(client, reviews_url):
    page = client.get(reviews_url).content.decode()
    found = links(page)
    for label in ("Première page", "Page précédente"):
        assert 'aria-disabled="true"' in found[label] and 'role="link"' in found[label]
        assert "href" not in found[label]
    for label in ("Page suivante", "Dernière page"):
        assert "href=" in found[label] and "aria-disabled" not in found[label]
    assert "!!MISSING" not in page


def test_on_the_last_page_next_and_last_are_disabled_links(client, reviews_url):
    found = links(client.get(reviews_url, {"page": 3}).content.decode())
    for label in ("Page suivante", "Dernière page"):
        assert 'aria-disabled="true"' in found[label] and "href" not in found[label]
    assert 'href="?page=2"' in found["Page précédente"]


def test_the_current_page_is_marked_and_the_ellipsis_is_not_a_link(client, organisation):
    ReviewFactory.create_batch(120, published=True)  # twelve pages: an ellipsis
    page = client.get(reverse("surveys:public_reviews", kwargs={"code": "lille"})).content.decode()
    assert re.search(r'aria-current="page"\s+title="Page 1"', page)
    assert '<span class="fr-pagination__link fr-unhidden-lg">…</span>' in page
    assert not re.search(r"<a [^>]*>…</a>", page)
