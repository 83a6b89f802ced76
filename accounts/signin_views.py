"""The sign-in's second step: a code from the authenticator app or a recovery code (a form with one field,
`code`), or a passkey. Wrong codes count against the same failed-attempt limits as wrong passwords."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn import views as webauthn_views

from accounts import mfa
from accounts.forms import CodeForm
from accounts.services import factors, sessions
from accounts.signin_limits import WINDOW_SECONDS, count_failure, refusal

NEW_CODES_SESSION_KEY = "new_recovery_codes"


def safe_next(request, fallback: str = settings.LOGIN_REDIRECT_URL) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: "1" or "-1" is allowed by the host check, but redirect() would take it for a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)


@never_cache
@login_required
def second_step(request):
    if not request.signin_pending:
        return redirect(safe_next(request))
    if not mfa.has_factor(request.user):
        return redirect("security")
    form = CodeForm(request.POST or None)
    refused = False
    if request.method == "POST":
        # A wrong code counts against the same per-address and per-account limits as a wrong password, so a
        # guesser cannot spend the password budget and then a second one on codes.
        if refusal(request, request.user.email):
            return HttpResponse(
                _("Too many wrong codes. Wait %(minutes)d minutes and try again.") % {"minutes": WINDOW_SECONDS // 60},
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        code = form.cleaned_data["code"] if form.is_valid() else ""
        device = factors.second_step_verify(user=request.user, code=code) if code else None
        if device is not None:
            otp_login(request, device)
            sessions.staff_session_verified(request=request, factor=factors.factor_kind(device))
            return redirect(safe_next(request))
        count_failure(request, request.user.email)
        refused = True
    context = {
        "form": form,
        "refused": refused,
        "next": safe_next(request),
        "has_passkey": request.user.webauthncredential_set.filter(confirmed=True).exists(),
    }
    return render(request, "accounts/second_step.html", context, status=400 if refused else 200)


class PasswordlessFollowsPasswordLogin:
    """A passkey alone signs in only while passwords may: HELPDESK_PASSWORD_LOGIN=false leaves the identity
    provider as the one way in (someone it offboards is out here too)."""

    def check_can_authenticate(self):
        if not self.request.user.is_authenticated and not settings.PASSWORD_LOGIN:
            raise webauthn_exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()


class PasskeyAuthenticationBegin(PasswordlessFollowsPasswordLogin, webauthn_views.BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationComplete(
    PasswordlessFollowsPasswordLogin, webauthn_views.CompleteCredentialAuthenticationView
):
    """A passkey as the second step (after a password) or as the whole sign-in."""

    def complete_auth(self, device):
        super().complete_auth(device)
        sessions.staff_session_verified(request=self.request, factor="passkey")


class PasskeyRegistrationComplete(webauthn_views.CompleteCredentialRegistrationView):
    """django-otp-webauthn checks and stores the passkey (and counts it as this session's second step when it is
    the first factor); we record it, end the user's other sessions, and hand out recovery codes with a first one."""

    def post(self, *args, **kwargs):
        was_pending = self.request.signin_pending
        first_codes = not mfa.recovery_codes_left(self.request.user)
        response = super().post(*args, **kwargs)
        if response.status_code != 200:
            return response
        keep = self.request.session.session_key
        if was_pending:
            sessions.staff_session_verified(request=self.request, factor="passkey")
            keep = self.request.session.session_key
        factors.passkey_added(user=self.request.user, keep_key=keep)
        next_url = reverse("security")
        if first_codes:
            stash_recovery_codes(self.request, factors.recovery_codes_regenerate(user=self.request.user, keep_key=keep))
            next_url = reverse("recovery_codes")
        return JsonResponse({"ok": True, "next": next_url})


def stash_recovery_codes(request, codes: list[str]) -> None:
    """New codes are shown once, on the next page, then forgotten (never in a URL, never stored in clear
    anywhere but django-otp's token table)."""
    request.session[NEW_CODES_SESSION_KEY] = codes
