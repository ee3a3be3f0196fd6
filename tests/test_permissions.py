"""Every URL of the product x every role -> the expected status.

The list of URLs comes from the URL conf: a new URL without an entry here fails the test."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from centres.enums import Role

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *Role.values, "other_referent", "no_role"]
SIGNED_IN = [r for r in ROLES if r != ANONYMOUS]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, **overrides):
    return {ANONYMOUS: 302, **dict.fromkeys(SIGNED_IN, status), **overrides}


def signed_out_only(status):
    return {ANONYMOUS: status, **dict.fromkeys(SIGNED_IN, 302)}


# url name -> (kwargs, {role: status})
MATRIX = {
    "home": ({}, everyone(200)),
    "accessibility": ({}, everyone(200)),
    "legal_notice": ({}, everyone(200)),
    "personal_data": ({}, everyone(200)),
    "healthz": ({}, everyone(200)),
    "dashboard": ({}, signed_in(200)),
    "accounts:login": ({}, signed_out_only(200)),
    "accounts:logout": ({}, signed_in(405)),  # POST only
    "accounts:password_reset": ({}, everyone(200)),
    "accounts:password_reset_done": ({}, everyone(200)),
    "accounts:password_reset_confirm": ({"uidb64": "MQ", "token": "abc-def"}, everyone(200)),
    "accounts:password_reset_complete": ({}, everyone(200)),
    "centres:list": ({}, signed_in(200, no_role=403)),
    "centres:detail": ({"code": "lille"}, signed_in(200, no_role=403, other_referent=404)),
}


def collect_url_names(patterns=None, namespace=""):
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += collect_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


PRODUCT_URLS = sorted(n for n in set(collect_url_names()) if not n.startswith("admin:"))
ADMIN_URLS = sorted(n for n in set(collect_url_names()) if n.startswith("admin:"))


def test_every_url_has_an_entry_in_the_matrix():
    assert set(PRODUCT_URLS) == set(MATRIX), "add the new URL to MATRIX with its statuses"


@pytest.fixture
def client_as(client, users):
    def as_role(role):
        if role != ANONYMOUS:
            client.force_login(users[role])
        return client

    return as_role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PRODUCT_URLS)
def test_status_of_each_url_for_each_role(client_as, role, name):
    kwargs, expected = MATRIX[name]
    response = client_as(role).get(reverse(name, kwargs=kwargs))
    assert response.status_code == expected[role], f"{name} as {role}"


ADMIN_SAMPLE_KWARGS = [
    {},
    {"app_label": "centres"},
    {"object_id": "1"},
    {"id": "1"},
    {"content_type_id": "1", "object_id": "1"},
]


def admin_url(name):
    """Build a URL for an admin page, whatever arguments its pattern takes."""
    for kwargs in ADMIN_SAMPLE_KWARGS:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_opens_only_to_ditp_administrators(client_as, role):
    client = client_as(role)
    for name in ADMIN_URLS:
        response = client.get(admin_url(name), follow=True)
        if role == Role.DITP_ADMIN:
            assert response.status_code < 500, name
        elif role == ANONYMOUS:
            assert response.redirect_chain[-1][0].startswith(reverse("accounts:login")), name
        else:
            assert response.status_code == 403, name
