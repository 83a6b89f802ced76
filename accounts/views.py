import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect

LOGIN_WINDOW_SECONDS = 15 * 60


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _failure_keys(request) -> list[tuple[str, int, str]]:
    """(cache key, limit, refusal) for the address and for the account named: a guesser on one address is stopped
    by the first; one spread over many addresses (credential stuffing) by the second."""
    email = (request.POST.get("username") or "").strip().lower()
    account = hashlib.sha256(email.encode()).hexdigest()[:32]  # no address in cache keys
    return [
        (
            f"login-fail:{_client_address(request)}",
            settings.LOGIN_RATE_LIMIT,
            "Too many failed sign-in attempts from this address. Wait 15 minutes and try again.",
        ),
        (
            f"login-fail-account:{account}",
            settings.LOGIN_ACCOUNT_RATE_LIMIT,
            "Too many failed sign-in attempts for this account. Wait 15 minutes and try again.",
        ),
    ]


def _count_failure(key: str) -> None:
    cache.add(key, 0, LOGIN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, LOGIN_WINDOW_SECONDS)


class LoginView(auth_views.LoginView):
    """Django's login, with limits on failed attempts per address and per account (brute force on agent
    accounts). A refused attempt is not checked at all, so a guess that would have been right does not count."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        keys = _failure_keys(request)
        for key, limit, refusal in keys:
            if cache.get(key, 0) >= limit:
                return HttpResponse(refusal, status=429, content_type="text/plain; charset=utf-8")
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            for key, _, _ in keys:
                _count_failure(key)
        return response


@login_required
def home(request):
    """Send each role to where its work is."""
    return redirect("console")
