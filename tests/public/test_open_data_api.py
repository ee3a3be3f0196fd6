"""Open data at scale: published reviews as a streamed CSV, reviews and results as a JSON API
with keyset cursors and Last-Modified; bad arguments are French 400s."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.enums import ReviewState
from surveys.models import Review
from surveys.queries import open_data
from tests.surveys.reviews.factories import ReviewFactory

from .worlds import lille_with_results

pytestmark = pytest.mark.django_db

REVIEWS_API = "/api/donnees-ouvertes/avis"
RESULTS_API = "/api/donnees-ouvertes/resultats"


def _published(n: int, start=None):
    start = start or timezone.now() - timedelta(days=30)
    return [
        ReviewFactory(published=True, published_at=start + timedelta(hours=i)) for i in range(n)
    ]


def _all_pages(client, url, limit):
    ids, pages = [], 0
    next_url = f"{url}?limite={limit}"
    while next_url:
        body = client.get(next_url.removeprefix("http://testserver")).json()
        ids += [row.get("id_avis") or row["code_indicateur"] for row in body["resultats"]]
        next_url, pages = body["suivant"], pages + 1
    return ids, pages


def test_the_reviews_csv_holds_every_published_review_and_nothing_else(
    client, organisation, monkeypatch
):
    monkeypatch.setattr(open_data, "REVIEW_BATCH", 3)  # several keyset batches
    reviews = _published(7)
    ReviewFactory()  # pending
    ReviewFactory(rejected=True)
    response = client.get(reverse("surveys:open_data_reviews_csv"))
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Last-Modified"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == open_data.REVIEW_HEADER
    assert [int(row[0]) for row in rows[1:]] == [r.pk for r in reviews]
    assert rows[1][1:5] == ["lille", "Centre de contact de Lille", "59000", "Lille"]


def test_the_reviews_csv_answers_304_when_nothing_changed(client, organisation):
    _published(2)
    first = client.get(reverse("surveys:open_data_reviews_csv"))
    again = client.get(
        reverse("surveys:open_data_reviews_csv"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert again.status_code == 304


def test_following_the_cursor_gives_every_review_once_in_publication_order(client, organisation):
    reviews = _published(12)
    ids, pages = _all_pages(client, REVIEWS_API, limit=5)
    assert ids == [r.pk for r in reviews] and pages == 3


def test_a_review_published_later_comes_after_the_cursor_a_reader_kept(client, organisation):
    old = _published(3)
    body = client.get(REVIEWS_API, {"limite": 3}).json()
    assert [r["id_avis"] for r in body["resultats"]] == [r.pk for r in old]
    assert body["suivant"] is None
    late = ReviewFactory()  # submitted earlier, published now: after the three others
    Review.objects.filter(pk=late.pk).update(
        state=ReviewState.PUBLISHED, published_at=timezone.now(), moderated_at=timezone.now()
    )
    last = old[-1]
    cursor = open_data.cursor_encode([last.published_at.isoformat(), last.pk])
    body = client.get(REVIEWS_API, {"curseur": cursor}).json()
    assert [r["id_avis"] for r in body["resultats"]] == [late.pk]


def test_a_page_says_when_its_reviews_last_changed(client, organisation):
    reviews = _published(2)
    response = client.get(REVIEWS_API)
    assert response["Last-Modified"] == _http_date(reviews[-1].published_at)
    assert response["Content-Type"] == "application/json"


def _http_date(moment) -> str:
    from django.utils.http import http_date

    return http_date(moment.timestamp())


def test_results_pages_follow_the_open_data_file_of_each_campaign(client, organisation):
    lille_with_results()
    file_rows = client.get(reverse("surveys:open_data_csv", kwargs={"slug": "usagers-publie"}))
    lines = b"".join(file_rows.streaming_content).decode("utf-8-sig").splitlines()[1:]
    indicators, pages = _all_pages(client, RESULTS_API, limit=3)
    assert indicators == [line.split(",")[5] for line in lines] and pages == 2
    first = client.get(RESULTS_API).json()["resultats"][0]
    assert first["code_structure"] == "lille" and first["valeur"] == 98.0
    assert client.get(RESULTS_API)["Last-Modified"]


@pytest.mark.parametrize(
    "params",
    [
        {"curseur": "pas-un-curseur"},
        {"curseur": open_data.cursor_encode(["x", "y"])},
        {"curseur": open_data.cursor_encode(["2025-01-01T00:00:00", 1])},  # no time zone
        {"limite": "0"},
        {"limite": "1001"},
        {"limite": "-3"},
        {"limite": "dix"},
    ],
)
@pytest.mark.parametrize("url", [REVIEWS_API, RESULTS_API])
def test_bad_arguments_are_a_french_400(client, organisation, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.json()["erreur"].startswith(("Ce curseur", "La limite"))
