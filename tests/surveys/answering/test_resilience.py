"""A citizen can answer while the shared cache (Redis) is down: the link rate limit fails open."""

import pytest
from django.urls import reverse

from surveys.models import Ballot

# Nothing listens on port 1: every cache call fails with a connection error.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE_CACHE


@pytest.mark.django_db
def test_with_the_cache_down_a_citizen_still_answers(
    client, citizen_campaign, issue, good_answers, cache_down
):
    token = issue(citizen_campaign, centre_code="lille")[0]
    url = reverse("surveys:answer", kwargs={"token": token})
    assert client.get(url).status_code == 200
    response = client.post(url, good_answers)
    assert response.status_code == 302
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_with_the_cache_down_an_unknown_link_is_still_a_404(client, cache_down):
    url = reverse("surveys:answer", kwargs={"token": "unknown-token-0000000000"})
    assert client.get(url).status_code == 404
