from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .access import get_centre, role_required, visible_centres
from .enums import Role
from .forms import LoginForm, NewPasswordForm, ResetRequestForm

ALL_STAFF_ROLES = tuple(Role.values)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/emails/password_reset.txt"
    html_email_template_name = "registration/emails/password_reset.html"
    subject_template_name = "registration/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@role_required(*ALL_STAFF_ROLES)
def centre_list(request):
    centres = visible_centres(request.user)
    return render(request, "centres/centre_list.html", {"centres": centres})


@role_required(*ALL_STAFF_ROLES)
def centre_detail(request, code: str):
    centre = get_centre(request.user, code)
    referents = (
        centre.role_assignments.filter(role=Role.REFERENT)
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(request, "centres/centre_detail.html", {"centre": centre, "referents": referents})


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
