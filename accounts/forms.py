"""Sign-in forms that say why an attempt was refused by the sign-in limits (accounts/signin_limits.py)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

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
