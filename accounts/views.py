from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect

LOGIN_WINDOW_SECONDS = 15 * 60


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


class LoginView(auth_views.LoginView):
    """Django's login, with a limit on failed attempts per address (brute force on agent accounts)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        key = f"login-fail:{_client_address(request)}"
        if cache.get(key, 0) >= settings.LOGIN_RATE_LIMIT:
            return HttpResponse(
                "Too many failed sign-in attempts from this address. Wait 15 minutes and try again.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            cache.add(key, 0, LOGIN_WINDOW_SECONDS)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOGIN_WINDOW_SECONDS)
        return response


@login_required
def home(request):
    """Send each role to where its work is."""
    return redirect("console")
