"""Authentication backends. Each sign-in path has its own, so a session records how it began (StaffSession.via)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's email-and-password check, for the sign-in page and the admin's alike; it answers nobody while
    HELPDESK_PASSWORD_LOGIN is false, so no password path stays open behind single sign-on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SsoBackend(ModelBackend):
    """Loads the user of a session begun through OpenID Connect (accounts.sso); never checks a password."""

    def authenticate(self, request, **kwargs):
        return None


VIA_FOR_BACKEND = {
    "accounts.backends.PasswordBackend": "password",
    "django_otp_webauthn.backends.WebAuthnBackend": "passkey",
    "accounts.backends.SsoBackend": "sso",
}
