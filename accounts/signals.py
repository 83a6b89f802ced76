"""Every sign-in opens a StaffSession, whichever path it took (this page, the admin's, a passkey, SSO, a test's
force_login); every sign-out ends it."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.backends import VIA_FOR_BACKEND
from accounts.services import sessions
from accounts.signin_limits import client_address


@receiver(user_logged_in, dispatch_uid="accounts.staff_session_open")
def open_staff_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    sessions.staff_session_open(
        session_key=request.session.session_key,
        user=user,
        via=VIA_FOR_BACKEND.get(request.session.get(BACKEND_SESSION_KEY, ""), "password"),
        address=client_address(request) or "",  # the sign-in limits' notion of the client's address
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@receiver(user_logged_out, dispatch_uid="accounts.staff_session_end")
def end_staff_session(sender, request, user, **kwargs):
    if user is not None and request is not None and hasattr(request, "session"):
        sessions.staff_session_signed_out(user=user, session_key=request.session.session_key)
