"""One TRUSTED_PROXY_COUNT setting gives every rate limit (and django-axes) the client's address:
with and without a proxy header, in the survey, review and sign-in limits."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from centres.enums import Role
from centres.ratelimit import client_address

from ..factories import TEST_PASSWORD

PROXY = "10.1.1.1"


def request_from(remote=PROXY, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(forwarded="203.0.113.7")) == PROXY


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(forwarded="203.0.113.7")) == "203.0.113.7"
    # What the client wrote itself is further left, and ignored.
    assert client_address(request_from(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 203.0.113.7, 10.1.1.2"
    assert client_address(request_from(forwarded=forwarded)) == "203.0.113.7"


def test_a_request_that_bypassed_the_proxy_or_forged_garbage_keeps_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(remote="198.51.100.5")) == "198.51.100.5"
    assert client_address(request_from(forwarded="not-an-address")) == PROXY
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(forwarded="203.0.113.7")) == PROXY


def test_django_axes_reads_the_same_setting():
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "centres.ratelimit.client_address"
    assert settings.AXES_IPWARE_PROXY_COUNT == (settings.TRUSTED_PROXY_COUNT or None)


def via_proxy(citizen: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": citizen}


@pytest.mark.django_db
def test_behind_the_proxy_each_citizen_has_their_own_review_bucket(client, organisation, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REVIEW_SUBMIT_LIMIT = 1
    url = reverse("surveys:review_submit", kwargs={"code": "lille"})
    review = {"experience": "Très bon accueil.", "feeling": "positive", "channel": "phone"}
    assert client.post(url, review, **via_proxy("203.0.113.7")).status_code == 302
    assert client.post(url, review, **via_proxy("203.0.113.7")).status_code == 429
    assert client.post(url, review, **via_proxy("203.0.113.8")).status_code == 302
    # A forged header in front of the proxy's own entry changes nothing.
    forged = via_proxy("198.51.100.1, 203.0.113.7")
    assert client.post(url, review, **forged).status_code == 429


@pytest.mark.django_db
def test_without_the_setting_a_forged_header_does_not_escape_the_review_limit(
    client, organisation, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.REVIEW_SUBMIT_LIMIT = 1
    url = reverse("surveys:review_submit", kwargs={"code": "lille"})
    review = {"experience": "Très bon accueil.", "feeling": "positive", "channel": "phone"}
    assert client.post(url, review, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert client.post(url, review, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_each_citizen_has_their_own_failed_link_bucket(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SURVEY_FAILED_LINK_LIMIT = 2
    url = reverse("surveys:answer", kwargs={"token": "B" * 22})
    statuses = [client.get(url, **via_proxy("203.0.113.7")).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert client.get(url, **via_proxy("203.0.113.8")).status_code == 404


@pytest.mark.django_db
def test_behind_the_proxy_a_sign_in_lock_holds_for_one_citizen_only(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("accounts:login")
    email = users[Role.REFERENT].email
    wrong = {"username": email, "password": "wrong"}
    statuses = [client.post(url, wrong, **via_proxy("203.0.113.7")).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    right = {"username": email, "password": TEST_PASSWORD}
    assert client.post(url, right, **via_proxy("203.0.113.8")).status_code == 302
