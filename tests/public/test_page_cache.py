"""Anonymous public pages are served whole from the cache, with validators and 304s, and every
event that changes a page shows on its next request; signed-in users always get a private page."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import Centre
from centres.services.actions import action_publish
from labelling import services as label_services
from labelling.models import Application, Certificate
from surveys.defaults import CITIZEN_CODE
from surveys.services.campaigns import campaign_close_early
from surveys.services.reviews import review_publish, review_reply
from tests.centres.factories import ActionFactory
from tests.surveys.reviews.factories import ReviewFactory
from tests.surveys.worlds import campaign_of

from .worlds import LILLE_COUNTS, answers_add, labelled_structure

pytestmark = pytest.mark.django_db

LILLE_PAGE = "/centres-publics/lille/"


@pytest.fixture
def world(users):
    return SimpleNamespace(users=users)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what services leave for after the commit (the page cache's invalidation)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def html(client, path=LILLE_PAGE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


# Serving copies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", LILLE_PAGE, "/trouver-un-service/?q=lille"])
def test_the_second_anonymous_request_reads_nothing_from_the_database(
    client, organisation, django_assert_num_queries, path
):
    first = client.get(path)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert second["Cache-Control"] == "public, max-age=300"
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]
    assert second["ETag"] == first["ETag"] and second["ETag"].startswith('W/"')


def test_a_copy_never_reuses_the_nonce_it_was_rendered_with():
    from django.http import HttpResponse

    from centres.public_cache import _entry_from, _response_from

    page = HttpResponse('<script nonce="abc123==" src="/s.js"></script>')
    page["Content-Security-Policy"] = "script-src 'self' 'nonce-abc123=='"
    entry = _entry_from(page, SimpleNamespace(_csp_nonce="abc123=="), ["g"])
    answers = [_response_from(entry), _response_from(entry)]
    nonces = [a["Content-Security-Policy"].split("'nonce-")[1].rstrip("'") for a in answers]
    assert nonces[0] != nonces[1] and "abc123==" not in nonces
    for answer, nonce in zip(answers, nonces, strict=True):
        assert answer.content.decode() == f'<script nonce="{nonce}" src="/s.js"></script>'


def test_a_matching_etag_or_date_gets_a_304(client, organisation):
    first = client.get(LILLE_PAGE)
    again = client.get(LILLE_PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(LILLE_PAGE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = client.get(LILLE_PAGE, HTTP_IF_NONE_MATCH='W/"something-else"')
    assert other.status_code == 200


def test_each_language_has_its_own_copy(client, organisation):
    assert '<html lang="fr"' in html(client)
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in html(client)


def test_unknown_query_parameters_are_rendered_not_cached(
    client, organisation, django_assert_max_num_queries
):
    client.get(LILLE_PAGE + "?utm=x")
    with django_assert_max_num_queries(20) as context:
        client.get(LILLE_PAGE + "?utm=x")
    assert len(context.captured_queries) > 0


def test_a_signed_in_user_never_gets_the_anonymous_copy_and_always_a_private_page(client, users):
    html(client)  # an anonymous copy is in the cache
    client.force_login(users[Role.REFERENT])
    for path in (LILLE_PAGE, "/", reverse("dashboard"), reverse("centres:list")):
        response = client.get(path)
        assert "Se déconnecter" in response.content.decode()
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-cache"} <= directives
        assert not directives & {"public", "max-age=300"}
        assert "ETag" not in response


def test_a_visitor_with_a_flash_message_gets_a_page_of_their_own(client, organisation):
    html(client)
    client.cookies["messages"] = "anything"
    response = client.get(LILLE_PAGE)
    assert "ETag" not in response


def test_the_pages_still_answer_when_the_cache_is_down(client, organisation, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/")
    assert response.status_code == 200 and "ETag" not in response


# Events that change the pages -------------------------------------------------------------------


def test_a_published_review_shows_on_the_next_request(client, organisation, after_commit):
    review = ReviewFactory(experience="Un accueil téléphonique remarquable.")
    assert "Un accueil téléphonique remarquable." not in html(client)
    after_commit(review_publish, review=review, by=None)
    assert "Un accueil téléphonique remarquable." in html(client)
    reviews_page = reverse("surveys:public_reviews", kwargs={"code": "lille"})
    assert "Un accueil téléphonique remarquable." in html(client, reviews_page)


def test_an_answered_review_shows_its_answer_on_the_next_request(
    client, organisation, after_commit
):
    review = ReviewFactory(published=True, published_at=timezone.now())
    reviews_page = reverse("surveys:public_reviews", kwargs={"code": "lille"})
    assert "Nous avons ajouté un rappel." not in html(client, reviews_page)
    after_commit(review_reply, review=review, by=None, text="Nous avons ajouté un rappel.")
    assert "Nous avons ajouté un rappel." in html(client, reviews_page)
    assert "Nous avons ajouté un rappel." in html(client)


def test_a_decision_shows_the_label_on_the_next_request(client, world, after_commit):
    tours = "/centres-publics/tours/"
    assert "Label Argent" not in html(client, tours)
    assert "Label Argent" not in html(client, "/trouver-un-service/?q=tours")
    after_commit(labelled_structure, world=world)
    assert "Label Argent" in html(client, tours)
    assert "Label Argent" in html(client, "/trouver-un-service/?q=tours")


def test_a_suspension_shows_on_every_page_of_the_label_on_the_next_request(
    client, world, users, after_commit
):
    labelled_structure(world)
    token = Certificate.objects.get().public_token
    verify = reverse("labelling:verify", kwargs={"token": token})
    for path in ("/centres-publics/tours/", verify):
        assert "suspendu" not in html(client, path).lower()
    after_commit(
        label_services.label_suspend,
        application_id=Application.objects.get().pk,
        reason="Audit de suivi manqué.",
        by=users[Role.DECIDER],
    )
    assert "Label suspendu" in html(client, "/centres-publics/tours/")
    assert "suspendu" in html(client, verify).lower()


def test_a_campaign_closed_early_publishes_its_results_on_the_next_request(
    client, organisation, after_commit
):
    campaign = campaign_of(CITIZEN_CODE, "usagers-en-cours")
    for code, counts in LILLE_COUNTS.items():
        answers_add(campaign, Centre.objects.get(code="lille"), code, counts)
    assert "Campagne usagers-en-cours" not in html(client)
    today = timezone.localdate()
    after_commit(campaign_close_early, campaign=campaign, today=today - timezone.timedelta(1))
    assert "Campagne usagers-en-cours" in html(client)


def test_a_published_action_shows_on_the_plan_and_the_centre_page(
    client, organisation, after_commit
):
    action = ActionFactory(centre=Centre.objects.get(code="lille"), title="Rappel sous 48 h")
    plan = reverse("centres_public:action_plan", kwargs={"code": "lille"})
    assert "Rappel sous 48 h" not in html(client, plan)
    assert "Rappel sous 48 h" not in html(client)
    after_commit(action_publish, action=action, by=None, published=True)
    assert "Rappel sous 48 h" in html(client, plan)
    assert "Rappel sous 48 h" in html(client)


def test_an_event_of_one_centre_leaves_the_other_centres_pages_cached(
    client, organisation, after_commit, django_assert_num_queries
):
    html(client, "/centres-publics/vesoul/")
    after_commit(review_publish, review=ReviewFactory(), by=None)
    with django_assert_num_queries(0):
        html(client, "/centres-publics/vesoul/")


def test_the_home_figures_are_recomputed_at_most_every_five_minutes(client, world, after_commit):
    """They read every structure's label: an event re-renders the page, not the figures."""
    from django.core.cache import cache

    from centres.public_cache import public_cache_bump

    assert "Argent : 1" not in html(client, "/")
    after_commit(labelled_structure, world=world)
    assert "Argent : 1" not in html(client, "/")  # the figures of five minutes ago at most
    cache.delete(f"programme_figures:v1:fr:{timezone.localdate().isoformat()}")  # expired
    public_cache_bump([])
    assert "Argent : 1" in html(client, "/")


def test_an_error_page_is_neither_kept_nor_marked_public(client, organisation):
    response = client.get("/trouver-un-service/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "public" not in response.get("Cache-Control", "") and "ETag" not in response
    assert client.get("/centres-publics/n-existe-pas/").status_code == 404
