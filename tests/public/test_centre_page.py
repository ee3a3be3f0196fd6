"""A centre's public page in each of its states, and what it never shows."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from labelling import services as label_services
from labelling.models import Application
from surveys.models import Campaign

from .worlds import (
    LILLE_COUNTS,
    MASKED_ORIGINAL,
    MASKED_TEXT,
    answers_add,
    labelled_structure,
    lens_with_a_small_sample,
    lille_actions,
    lille_in_full,
    lille_reviews,
    lille_with_results,
    published_campaign,
)

pytestmark = pytest.mark.django_db


def page(client, code="lille"):
    response = client.get(reverse("public_centre", kwargs={"code": code}))
    assert response.status_code == 200
    # Figures use (narrow) no-break spaces before « % »: compare with plain spaces.
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def world(users):
    return SimpleNamespace(users=users)


def test_a_centre_without_anything_published_shows_every_empty_state(client, organisation):
    html = page(client, "vesoul")
    assert "Centre de contact de Vesoul" in html
    assert "Pas encore de résultats" in html
    assert "Non labellisé" in html
    assert "Aucune action réalisée n'a encore été publiée." in html
    assert "Aucun avis n'a encore été publié pour ce centre." in html


def test_results_show_rate_interval_and_n_per_engagement(client, organisation):
    lille_with_results()
    html = page(client)
    assert "98 % des usagers satisfaits" in html
    assert "<td>75 %</td>" in html and "<td>40</td>" in html
    assert "59,8 % – 85,8 %" in html  # Wilson 95 % for 30 / 40


def test_a_rate_below_the_minimum_sample_is_not_published(client, organisation):
    lens_with_a_small_sample()
    html = page(client, "lens")
    assert "Échantillon insuffisant : 8 réponses" in html
    assert "87,5" not in html  # 7 / 8 would be 87.5 %


def test_a_running_campaign_is_not_published_yet(client, organisation):
    lille_with_results()
    Campaign.objects.filter(slug="usagers-publie").update(closes_on="2999-12-31")
    assert "Pas encore de résultats" in page(client)


def test_a_valid_label_shows_level_validity_and_verification_link(client, world):
    labelled_structure(world)
    html = page(client, "tours")
    token = Application.objects.get().decisions.get().certificate.public_token
    assert "Label Argent" in html and "du 26 juin 2025 au" in html
    assert f'href="{reverse("labelling:verify", kwargs={"token": token})}"' in html


def test_a_suspended_label_says_so(client, world, users):
    labelled_structure(world)
    application = Application.objects.get()
    label_services.label_suspend(
        application_id=application.pk, reason="Audit de suivi manqué.", by=users[Role.DECIDER]
    )
    html = page(client, "tours")
    assert "Label suspendu" in html and "Label Argent" not in html


def test_only_published_actions_appear(client, organisation):
    lille_actions()
    html = page(client)
    assert "Rappel sous 48 heures" in html and "Horaires affichés" in html
    assert "Projet interne non publié" not in html


def test_published_reviews_appear_with_their_reply_and_the_seven_day_rate(client, organisation):
    lille_reviews()
    html = page(client)
    assert "Merci pour votre retour !" in html
    assert "Attente trop longue au téléphone." in html
    assert "50 % des avis publiés ont reçu une réponse sous 7 jours (1 sur 2)" in html


def test_pending_rejected_and_masked_texts_never_appear(client, organisation):
    lille_reviews()
    html = page(client)
    assert "Avis en attente de modération." not in html
    assert "Avis rejeté, insultant." not in html
    assert MASKED_ORIGINAL not in html and "06 12 34 56 78" not in html
    assert MASKED_TEXT.replace("'", "&#x27;") in html
    assert "Des données personnelles ont été masquées" in html


def test_the_page_links_to_the_review_form_and_the_open_data(client, organisation):
    lille_with_results()
    html = page(client)
    assert 'href="/avis/lille/donner-mon-avis/"' in html
    assert f'href="{reverse("surveys:open_data")}"' in html
    assert 'href="/donnees-ouvertes/resultats-usagers-publie.csv"' in html


def test_an_unknown_centre_code_is_a_404(client, organisation):
    response = client.get(reverse("public_centre", kwargs={"code": "atlantide"}))
    assert response.status_code == 404


def test_the_action_plan_page_of_centres_still_answers_under_the_same_prefix(client, organisation):
    response = client.get(reverse("centres_public:action_plan", kwargs={"code": "lille"}))
    assert response.status_code == 200
    assert response.resolver_match.view_name == "centres_public:action_plan"


def test_the_page_is_read_in_a_bounded_number_of_queries(client, world, django_assert_num_queries):
    lille_in_full(world)
    url = reverse("public_centre", kwargs={"code": "lille"})
    with django_assert_num_queries(8):  # centre, campaign, rates, engagements, label, plan...
        client.get(url)
    with django_assert_num_queries(0):  # ...then the whole page from the cache
        client.get(url)


def test_anonymous_visitors_get_a_publicly_cacheable_page(client, organisation):
    response = client.get(reverse("public_centre", kwargs={"code": "lille"}))
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_signed_in_users_get_a_private_page(client, users):
    client.force_login(users[Role.REFERENT])
    response = client.get(reverse("public_centre", kwargs={"code": "lille"}))
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_figures_are_served_from_the_cache_until_it_expires(client, organisation):
    page(client)  # no results yet: kept in the cache
    lille = Centre.objects.get(code="lille")
    answers_add(published_campaign(), lille, "overall", LILLE_COUNTS["overall"])
    assert "Pas encore de résultats" in page(client)
    cache.clear()
    assert "98 % des usagers satisfaits" in page(client)


def test_a_shared_cache_keeps_one_copy_per_cookie_and_language(client, organisation):
    response = client.get(reverse("public_centre", kwargs={"code": "lille"}))
    vary = {value.strip() for value in response.headers["Vary"].split(",")}
    assert {"Cookie", "Accept-Language"} <= vary


def test_the_survey_is_named_once(client, organisation):
    """« Enquête « Enquête usagers 2025 » » repeated the word the name starts with."""
    lille_with_results()
    html = page(client)
    assert "« Enquête usagers publiée », enquête menée du" in html
    assert "Enquête « Enquête" not in html
