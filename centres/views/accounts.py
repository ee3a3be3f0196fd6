"""Sign-in and password reset."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from ..forms.accounts import LoginForm, NewPasswordForm, ResetRequestForm


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
