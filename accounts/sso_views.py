"""/login/sso/ sends the browser to the identity provider; /login/sso/callback/ signs the staff member in."""

import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from requests import RequestException

from accounts import sso
from accounts.services.sso import SsoRefused, staff_from_sso
from accounts.signin_views import safe_next

log = logging.getLogger("accounts.sso")
NEXT_SESSION_KEY = "sso_next"


def _refusals() -> dict[str, str]:
    return {
        "no_role": _("Your account at the identity provider has no helpdesk role. Ask an admin to grant one."),
        "unverified_email": _("The identity provider did not confirm your e-mail address. Ask an admin."),
        "inactive": _("This staff account is switched off. Ask an admin."),
        "no_subject": _("Single sign-on did not complete. Try again."),
        "failed": _("Single sign-on did not complete. Try again."),
    }


@never_cache
def sso_start(request):
    if not sso.enabled():
        raise Http404
    request.session[NEXT_SESSION_KEY] = safe_next(request)
    return sso.client().authorize_redirect(request, request.build_absolute_uri(reverse("sso_callback")))


@never_cache
def sso_callback(request):
    if not sso.enabled():
        raise Http404
    try:
        claims = _verified_claims(request)
        user = staff_from_sso(issuer=settings.OIDC_ISSUER, claims=claims)
    except (OAuthError, RequestException, ValueError) as exc:
        log.warning("SSO sign-in failed: %s", exc)
        return _refused(request, "failed")
    except SsoRefused as exc:
        return _refused(request, exc.reason)
    next_url = request.session.pop(NEXT_SESSION_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)
    login(request, user, backend="accounts.backends.SsoBackend")
    return redirect(next_url)


def _verified_claims(request) -> dict:
    """The ID token's claims (authlib checked its signature, issuer, audience, expiry and nonce), completed by the
    provider's userinfo answer for the same subject (many providers put the role claim only there)."""
    client = sso.client()
    token = client.authorize_access_token(request)
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise ValueError("the ID token has no subject")
    if token.get("access_token") and client.load_server_metadata().get("userinfo_endpoint"):
        extra = dict(client.userinfo(token=token))
        if extra.get("sub") == claims["sub"]:
            claims = {**extra, **claims}
    return claims


def _refused(request, reason: str):
    message = _refusals().get(reason, _refusals()["failed"])
    return render(request, "accounts/login.html", {"sso_error": message, "next": ""}, status=403)
