"""What the public sees of a centre's reviews, in each state."""

import datetime
import html as markup

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre
from surveys.enums import RejectionReason
from surveys.queries.reviews import published_reviews

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db


def page(client, code="lille", **params) -> str:
    response = client.get(reverse("surveys:public_reviews", kwargs={"code": code}), params)
    assert response.status_code == 200
    return markup.unescape(response.content.decode())


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_only_published_reviews_appear_with_their_replies(client, organisation):
    ReviewFactory(experience="en attente de modération")
    ReviewFactory(rejected=True, experience="rejeté pour insulte")
    ReviewFactory(published=True, published_at=days_ago(1), experience="publié sans réponse")
    ReviewFactory(
        published=True,
        published_at=days_ago(2),
        experience="publié et répondu",
        reply="Merci, nous avons corrigé l'annonce vocale.",
        replied_at=days_ago(1),
    )
    html = page(client)
    assert "en attente" not in html and "rejeté pour insulte" not in html
    assert "publié sans réponse" in html and "Le centre n'a pas encore répondu." in html
    assert "corrigé l'annonce vocale" in html
    assert html.index("publié sans réponse") < html.index("publié et répondu")  # newest first


def test_no_personal_data_for_a_rejected_or_masked_review(client, organisation):
    ReviewFactory(
        state="rejected",
        rejection_reason=RejectionReason.PERSONAL_DATA,
        moderated_at=days_ago(1),
        experience="",
    )
    ReviewFactory(published=True, published_at=days_ago(1), is_masked=True, experience="[masqué]")
    html = page(client)
    assert "[masqué]" in html and "1 avis publié" in html
    assert "Texte effacé" not in html


def test_the_page_shows_the_rate_with_its_n_and_a_link_to_the_form(client, organisation):
    ReviewFactory(
        published=True, published_at=days_ago(10), reply="Réponse", replied_at=days_ago(9)
    )
    ReviewFactory(published=True, published_at=days_ago(9))
    html = page(client)
    assert "50\u202f% des avis publiés ont reçu une réponse sous 7 jours (1 sur 2)" in html
    assert "échantillon insuffisant" in html
    assert reverse("surveys:review_submit", kwargs={"code": "lille"}) in html


def test_the_empty_page_says_so(client, organisation):
    html = page(client, "lens")
    assert "Aucun avis n'a encore été publié pour ce centre." in html
    assert "Aucun avis publié n'a encore atteint la fin de sa semaine de réponse." in html


def test_reviews_are_paginated_ten_at_a_time(client, organisation):
    for day in range(12):
        ReviewFactory(published=True, published_at=days_ago(day), experience=f"avis {day:02d}")
    first, second = page(client), page(client, page=2)
    assert "avis 00" in first and "avis 09" in first and "avis 10" not in first
    assert "avis 10" in second and "avis 11" in second
    assert "12 avis publiés" in first


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, organisation, django_assert_max_num_queries
):
    for day in range(15):
        ReviewFactory(published=True, published_at=days_ago(day))
    with django_assert_max_num_queries(4):
        page(client)


def test_published_reviews_is_the_public_read_for_other_pages(organisation):
    shown = ReviewFactory(published=True, published_at=days_ago(1))
    ReviewFactory()
    ReviewFactory(rejected=True)
    assert list(published_reviews(centre=Centre.objects.get(code="lille"))) == [shown]


def test_an_unknown_centre_is_a_404(client, organisation):
    assert client.get(reverse("surveys:public_reviews", kwargs={"code": "x"})).status_code == 404
