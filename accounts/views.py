from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.forms import SignInForm
from accounts.signin_limits import refused_status


class LoginView(auth_views.LoginView):
    """Django's login. The limits on failed attempts (per address, per account) hold for every way to sign in and
    live in accounts/signin_limits.py; this page only says why an attempt was refused, with 429."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        return refused_status(request, super().post(request, *args, **kwargs))


@login_required
def home(request):
    """Send each role to where its work is."""
    return redirect("console")
