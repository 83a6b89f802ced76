from django.conf import settings

from accounts import sso


def signin(request):
    """Which ways in the sign-in page offers, and whether this session still owes its second step."""
    return {
        "password_login": settings.PASSWORD_LOGIN,
        "sso_enabled": sso.enabled(),
        "signin_pending": getattr(request, "signin_pending", False),
    }
