"""Security checks: CSP and security headers on every page of the permission matrix, secure
cookies in production, the 429 of the sign-in lockout."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from django.test import Client
from django.urls import reverse

from centres.enums import Role

from . import test_permissions as permissions
from .factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent

# The matrix opens objects that its module's fixtures create (an action of Lille, ...): use
# the same fixtures here, whatever their names, so that this test follows the matrix.
globals().update(
    {
        name: value
        for name, value in vars(permissions).items()
        if isinstance(value, FixtureFunctionDefinition)
    }
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", permissions.ROLES)
def test_every_page_of_the_matrix_sends_the_security_headers(client_as, role):
    client = client_as(role)
    for name in permissions.PRODUCT_URLS:
        kwargs, _ = permissions.MATRIX[name]
        response = client.get(reverse(name, kwargs=kwargs))
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, f"no CSP on {name} as {role}"
        assert "frame-ancestors 'none'" in policy, name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert "camera=()" in response.headers.get("Permissions-Policy", ""), name


@pytest.mark.django_db
def test_scripts_come_from_the_site_and_the_policy_has_no_placeholder_source(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "'nonce'" not in policy  # a placeholder browsers ignore: a real nonce or none
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all(re.search(r'src="/static/', tag) for tag in scripts)


@pytest.mark.django_db
def test_error_pages_send_the_security_headers_too(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Permissions-Policy" in response.headers


@pytest.mark.django_db
def test_every_response_refuses_the_browser_features_the_site_never_uses(client):
    for url in ("/", "/static/css/app.css", reverse("healthz"), "/nulle-part/"):
        policy = client.get(url).headers.get("Permissions-Policy", "")
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (url, feature)


COOKIE_PROBE = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory

call_command("migrate", "sessions", verbosity=0)

def view(request):
    request.session["probe"] = 1
    get_token(request)
    return HttpResponse("ok")

request = RequestFactory().get("/", secure=True, HTTP_HOST="labels.example.gouv.fr")
response = SessionMiddleware(CsrfViewMiddleware(view))(request)
print(json.dumps({
    name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
    for name, c in response.cookies.items()
}))
"""


def test_production_cookies_are_secure_and_http_only(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="labels.example.gouv.fr",
        SITE_URL="https://labels.example.gouv.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", COOKIE_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    cookies = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(cookies) == {"sessionid", "csrftoken"}
    for name, attributes in cookies.items():
        assert attributes == {"secure": True, "httponly": True, "samesite": "Lax"}, name


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_the_sign_in_lockout_answers_429_in_french(client, users):
    email = users[Role.AUDITOR].email
    statuses = [sign_in(client, email, "wrong-password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_lockout_does_not_tell_whether_an_account_exists(client, users):
    statuses = [sign_in(Client(), "nobody@example.org", "x").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Other accounts are not affected by someone guessing at one address.
    assert sign_in(client, users[Role.AUDITOR].email, TEST_PASSWORD).status_code == 302
