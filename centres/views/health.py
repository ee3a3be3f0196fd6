"""The health check of the deployment (database and broker)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


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


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when every configured dependency answers, else 503."""
    checks = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(state in {"ok", "not_configured"} for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
