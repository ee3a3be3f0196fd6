"""Sign-in, password-reset request and new-password forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ..mail import mail_message


def sign_in_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the e-mail address tried, without case (as accounts store it)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    return typed.strip().lower() if isinstance(typed, str) else ""


class LoginForm(AuthenticationForm):
    """Sign-in by e-mail address (any case) and password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        # No autofocus: keyboard and screen-reader users start at the skip links, as on every
        # other page (RGAA 12.7).
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Incorrect e-mail address or password. After five failed attempts in a row the "
            "account is locked for a while."
        ),
        "inactive": _("This account is deactivated."),
    }

    def clean_username(self):
        # Accounts store their address in lower case (UserManager.create_user).
        return self.cleaned_data["username"].lower()


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """The reset e-mail as every other one (centres.mail): plain text not HTML-escaped."""
        to_email = args[1] if len(args) > 1 else kwargs["to_email"]
        mail_message(
            template="registration/emails/password_reset", context=context, to=[to_email]
        ).send()


class NewPasswordForm(SetPasswordForm):
    """Choose a new password after following the e-mailed link."""
