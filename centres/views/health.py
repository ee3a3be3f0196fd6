"""The health check of the deployment (database and broker)."""

import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from ..access import has_role
from ..enums import Role
from ..ratelimit import client_address


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not_configured"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the broker is unusable
        return "error"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unusable
        return "error"


def _from_the_host(request) -> bool:
    """A probe on the machine itself (docker, the load balancer's agent), not through the proxy."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


def _may_read_details(request) -> bool:
    user = request.user
    if user.is_authenticated and (user.is_superuser or has_role(user, Role.DITP_ADMIN)):
        return True
    return _from_the_host(request)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when every configured dependency answers, else 503.

    Which dependency fails is for the DITP administrators and probes on the host only."""
    checks = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(state in {"ok", "not_configured"} for state in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if _may_read_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)
