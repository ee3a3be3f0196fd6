import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre, RoleAssignment, User

from .conftest import requires_broker, requires_postgresql

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ENV"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="labels.example.gouv.fr",
        SITE_URL="https://labels.example.gouv.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("site_url", ["", "http://labels.example.gouv.fr"])
def test_production_refuses_to_start_without_an_https_site_url(site_url):
    """Links must never be guessed from a request's Host header in production."""
    result = manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="labels.example.gouv.fr",
        SITE_URL=site_url,
    )
    assert result.returncode != 0 and "SITE_URL is missing or not in HTTPS" in result.stderr


def test_production_refuses_to_start_without_a_secret():
    result = manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


@pytest.mark.django_db
def test_seed_demo_can_run_twice_without_duplicates(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Centre.objects.count() == 20
    assert User.objects.count() == 6
    assert RoleAssignment.objects.count() == 6


@pytest.mark.django_db
def test_seed_demo_prints_credentials_only_in_development(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    assert "password" not in capsys.readouterr().out
    settings.DEBUG = True
    call_command("seed_demo")
    assert "password" in capsys.readouterr().out


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


PUBLIC = {"REMOTE_ADDR": "203.0.113.5"}


@pytest.mark.django_db
def test_healthz_tells_the_public_only_ok_or_error(client, settings):
    assert client.get(reverse("healthz"), **PUBLIC).json() == {"status": "ok"}
    # Through the proxy, even from a loopback peer, a request is the public's.
    proxied = client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert proxied.json() == {"status": "ok"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"), **PUBLIC)
    assert (response.status_code, response.json()) == (503, {"status": "error"})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERENT, Role.AUDITOR, "no_role"])
def test_healthz_keeps_the_details_from_other_signed_in_people(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("healthz"), **PUBLIC).json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_gives_the_details_to_ditp_administrators(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.get(reverse("healthz"), **PUBLIC)
    assert response.json()["checks"]["database"] == "ok"


@requires_postgresql
def test_the_suite_really_runs_on_postgresql(django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@requires_broker
def test_a_real_celery_worker_consumes_a_task_through_redis(organisation, celery_worker_process):
    call_command("check_workers", timeout=60)


def compose_services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_describes_the_production_topology():
    services = compose_services()
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn config.wsgi:application" in " ".join(services["web"]["command"])
    worker = " ".join(services["worker"]["command"])
    assert "celery -A config worker" in worker
    assert "-Q default,pdf,exports" in worker
    assert "celery -A config beat" in " ".join(services["beat"]["command"])


def test_compose_commands_point_at_real_modules_and_settings():
    import importlib

    for name in ("web", "worker", "beat"):
        service = compose_services()[name]
        env = service["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        module = "config.wsgi" if name == "web" else "config.celery"
        assert importlib.util.find_spec(module) is not None
    assert (ROOT / "config" / "settings" / "production.py").exists()
