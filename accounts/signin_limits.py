"""Limits on failed sign-ins, per client address and per account: the one place that implements them.

Every way to sign in calls `django.contrib.auth.authenticate()`: the staff login page, the Django admin's login,
DRF's HTTP Basic authentication, anything added later. So the limits live there: `SignInLimitsBackend` comes first
in AUTHENTICATION_BACKENDS and refuses before any password is checked once a limit is reached (so a guess that
would have been right is not even tried), and every failed authenticate() is counted through Django's
`user_login_failed` signal. Pages only present the refusal (`refused_status`, accounts/forms.py).
"""

import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop

WINDOW_SECONDS = 15 * 60
STATUS_REFUSED = 429
FROM_ADDRESS = gettext_noop("Too many failed sign-in attempts from this address. Wait 15 minutes and try again.")
FOR_ACCOUNT = gettext_noop("Too many failed sign-in attempts for this account. Wait 15 minutes and try again.")
REFUSAL_ATTRIBUTE = "sign_in_refused"


def client_address(request: HttpRequest | None) -> str | None:
    """The address failures are counted against: REMOTE_ADDR, which helpdesk/proxy.py sets from X-Forwarded-For
    only when the peer is a trusted proxy. An IPv6 client is counted by its /64, which one host usually holds."""
    raw = request.META.get("REMOTE_ADDR") if request is not None else None
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _limits(request: HttpRequest | None, username) -> list[tuple[str, int, str]]:
    """(cache key, limit, refusal) for the address (when there is a request) and for the account named."""
    limits = []
    if (address := client_address(request)) is not None:
        limits.append((f"login-fail:{address}", settings.LOGIN_RATE_LIMIT, FROM_ADDRESS))
    if isinstance(username, str) and username.strip():
        account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]  # no address in cache keys
        limits.append((f"login-fail-account:{account}", settings.LOGIN_ACCOUNT_RATE_LIMIT, FOR_ACCOUNT))
    return limits


def refusal(request: HttpRequest | None, username) -> str | None:
    """Why this attempt is refused before its password is checked, or None."""
    for key, limit, why in _limits(request, username):
        if cache.get(key, 0) >= limit:
            return why
    return None


def count_failure(request: HttpRequest | None, username) -> None:
    for key, _, _ in _limits(request, username):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def _username(credentials: dict):
    return credentials.get("username", credentials.get("email"))


class SignInLimitsBackend(BaseBackend):
    """First in AUTHENTICATION_BACKENDS. Authenticates nobody: it only stops authenticate() early (PermissionDenied
    ends the walk through the backends) when the address or the account has failed too often."""

    def authenticate(self, request, **credentials):
        why = refusal(request, _username(credentials))
        if why is None:
            return None
        if request is not None:
            setattr(request, REFUSAL_ATTRIBUTE, why)
        raise PermissionDenied(why)

    def get_user(self, user_id):
        # login() without a backend (the test client's force_login) names the first one listed in the session.
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed, dispatch_uid="accounts.signin_limits.count")
def _count_failed_sign_in(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None and getattr(request, REFUSAL_ATTRIBUTE, None):
        return  # refused before the password was checked: not another guess
    count_failure(request, _username(credentials))


def refused_reason(request: HttpRequest) -> str | None:
    """The refusal this request met, in the reader's language (for the page that shows it)."""
    why = getattr(request, REFUSAL_ATTRIBUTE, None)
    return gettext(why) if why else None


def refused_status(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A sign-in page answers 429 Too Many Requests when the limits refused the attempt."""
    if getattr(request, REFUSAL_ATTRIBUTE, None):
        response.status_code = STATUS_REFUSED
    return response
