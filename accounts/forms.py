"""Sign-in forms: the password form that says why an attempt was refused by the sign-in limits
(accounts/signin_limits.py), and the second step's one-field code form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.signin_limits import refused_reason


class SaysWhyRefused:
    """Instead of "wrong email or password", the limit that stopped the attempt (no password was checked)."""

    refused: str | None = None

    def get_invalid_login_error(self):
        self.refused = refused_reason(self.request)
        if self.refused:
            return ValidationError(self.refused, code="sign_in_limited")
        return super().get_invalid_login_error()


class SignInForm(SaysWhyRefused, AuthenticationForm):
    pass


class AdminSignInForm(SaysWhyRefused, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    """The second step, and the authenticator app's first code: one field named `code` (automation relies on it)."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)
