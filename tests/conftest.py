"""Shared fixtures. In CI (REQUIRE_SERVICES=1) a skipped test is a failed test: the real
PostgreSQL, Redis and Celery worker must be there."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from centres.demo import organisation_seed
from centres.enums import Role
from centres.models import Centre, CertificationBody, Network

from .factories import CentreFactory, make_user

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped while REQUIRE_SERVICES=1 (CI needs every service): {reason}"


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


requires_postgresql = pytest.mark.skipif(
    not on_postgresql(), reason="needs PostgreSQL (set DATABASE_URL)"
)
requires_broker = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL, reason="needs Redis as Celery broker (set CELERY_BROKER_URL)"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits (sign-in, password reset, surveys) and whole public pages (centres.public_cache)
    are kept in the cache, and the database is rolled back after each test: each test starts and
    ends with an empty cache."""
    from django.core.cache import cache

    def clear():
        try:
            cache.clear()
        except Exception:  # noqa: BLE001 - a test that stops the cache on purpose
            pass

    clear()
    yield
    clear()


@pytest.fixture
def organisation(db):
    """The DGFiP platform and its 20 centres, plus the demo certification body."""
    return organisation_seed()


@pytest.fixture
def users(organisation):
    """One user per role, plus a referent of another centre."""
    network = Network.objects.get(code="dgfip")
    body = CertificationBody.objects.get(code="organisme-demo")
    return {
        Role.DITP_ADMIN: make_user(Role.DITP_ADMIN),
        Role.CORRESPONDENT: make_user(Role.CORRESPONDENT, network=network),
        Role.REFERENT: make_user(Role.REFERENT, centre=Centre.objects.get(code="lille")),
        "other_referent": make_user(Role.REFERENT, centre=Centre.objects.get(code="angers")),
        Role.AUDITOR: make_user(Role.AUDITOR, certification_body=body),
        Role.DECIDER: make_user(Role.DECIDER),
        "no_role": make_user(None),
    }


@pytest.fixture
def foreign_centre(db):
    """A centre of another network, outside every DGFiP correspondent's and referent's scope."""
    return CentreFactory(code="ailleurs")


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real `celery worker` process consuming from Redis, on the test database."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL to start a real worker")
    from config.celery import app

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DJANGO_ENV"] = "test"
    env["TEST_DATABASE_NAME"] = db["NAME"]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "default,pdf,exports",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = previous
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        sys.stdout.write("\n--- celery worker log ---\n" + output[-4000:])


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
