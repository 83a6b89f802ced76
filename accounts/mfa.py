"""Who must pass a second factor, and whether a session has (read by the middleware and the agent socket alike)."""

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import StaffSession, User


def required_for(user: User) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES


def has_factor(user: User) -> bool:
    """An authenticator app or a passkey. Recovery codes only lead back to one, so alone they do not count."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def verified_device(user: User, session) -> Device | None:
    """The device that passed this session's second step (django-otp keeps its id in the session), if it still
    exists, is confirmed and belongs to this user."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if isinstance(persistent_id, str) else None
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def second_step_done(staff_session: StaffSession, *, device_verified: bool) -> bool:
    if staff_session.via == StaffSession.Via.SSO and not settings.OIDC_LOCAL_MFA:
        return True  # the identity provider's own MFA stands for ours (HELPDESK_OIDC_LOCAL_MFA=false)
    return device_verified


def pending(user: User, staff_session: StaffSession, *, device_verified: bool) -> bool:
    """Signed in with a password only, where a second factor is due: their role needs one, or they set one up
    (a factor someone enrolled must be asked for, or it protects nothing). `device_verified`: django-otp's
    verdict on this session (request.user.is_verified() over HTTP, verified_device() on a socket)."""
    if second_step_done(staff_session, device_verified=device_verified):
        return False
    return required_for(user) or has_factor(user)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
