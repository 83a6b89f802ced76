"""Staff signed in for tests the way the product signs them in: every session has its StaffSession row, and a role
that needs a second factor has passed it with a real authenticator-app device (codes from pyotp). Tests of the
second step itself sign in with the password and stop there (tests/accounts/)."""

import base64

import pyotp
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import StaffSession, User
from accounts.services import factors, sessions

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, the tests' authenticator app


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app, enrolled with TEST_TOTP_SECRET if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or factors.totp_set_secret(user=user, base32_secret=TEST_TOTP_SECRET)


def totp_code(user: User) -> str:
    """The code the user's app shows now. Forgets the last code used and any wrong one, so that a test may sign the
    same person in twice within 30 seconds (django-otp rightly refuses a code used before, and waits a second
    after a wrong one)."""
    device = totp_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def needs_second_step(user: User) -> bool:
    return mfa.required_for(user) or mfa.has_factor(user)


def prepare_second_step(user: User) -> None:
    """Before signing in: enrolling the app afterwards would end the session (a factor change does)."""
    if needs_second_step(user):
        totp_device(user)


def pass_second_step(session, user: User) -> None:
    """Record in a signed-in session that its second step was passed with the user's authenticator app."""
    if not needs_second_step(user):
        return
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    StaffSession.objects.filter(session_key=session.session_key).update(second_factor="totp")


def signed_in_session_key(user: User) -> str:
    """A session cookie value for `user`, as after a full sign-in (for socket tests and benchmarks)."""
    prepare_second_step(user)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.PasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    sessions.staff_session_open(session_key=store.session_key, user=user, via="password")
    pass_second_step(store, user)
    return store.session_key
