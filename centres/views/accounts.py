"""Sign-in and password reset."""

import logging

from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from ..forms.accounts import LoginForm, NewPasswordForm, ResetRequestForm
from ..ratelimit import password_reset_allowed, sign_in_address_blocked, sign_in_failure_record

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Refused before any password is checked: spraying learns nothing more.
        if sign_in_address_blocked(request):
            logger.info("sign_in_refused reason=address_limit")
            return render(request, "registration/too_many_attempts.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            sign_in_failure_record(self.request)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/emails/password_reset.txt"
    html_email_template_name = "registration/emails/password_reset.html"
    subject_template_name = "registration/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Beyond the limits, the same answer as a sent e-mail (or an unknown address).
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            logger.info("password_reset_refused reason=limit")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
