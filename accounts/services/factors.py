"""Second factors: an authenticator app (TOTP), passkeys and recovery codes, kept by django-otp and
django-otp-webauthn (no cryptography of our own). Adding or removing one ends the user's other sessions."""

import base64
import binascii
import logging
import re

from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import mfa
from accounts.models import User
from accounts.services.sessions import EndReason, staff_sessions_end

log = logging.getLogger("accounts.factors")
RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")


class FactorError(ValueError):
    pass


class LastFactorError(FactorError):
    """Removing it would leave someone whose role needs a second factor without one."""


def totp_pending(user: User) -> TOTPDevice:
    """The authenticator-app secret being set up (unconfirmed until the first right code), reused until then."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, code: str, keep_key: str | None) -> TOTPDevice | None:
    """The first right code proves the app holds the secret: the device replaces any earlier app."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _factor_changed(user, keep_key, "authenticator app added")
    return device


@transaction.atomic
def totp_set_secret(*, user: User, base32_secret: str) -> TOTPDevice:
    """Enrol an authenticator app with a known secret (createagent --totp-secret, the demo): ends every session."""
    key = _hex_key(base32_secret)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    _factor_changed(user, None, "authenticator app set from the command line")
    return device


@transaction.atomic
def recovery_codes_regenerate(*, user: User, keep_key: str | None) -> list[str]:
    """Ten new single-use codes; the old ones stop working. Shown once, to the staff member."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    _factor_changed(user, keep_key, "recovery codes replaced")
    return codes


def passkey_added(*, user: User, keep_key: str | None) -> None:
    """django-otp-webauthn stored the credential; what follows from it is ours."""
    _factor_changed(user, keep_key, "passkey added")


@transaction.atomic
def factor_remove(*, user: User, kind: str, pk: int, keep_key: str | None) -> None:
    """Remove an authenticator app or a passkey. With none left, the recovery codes go too (they lead back to
    a factor that no longer exists); someone whose role needs a factor must add another first."""
    model = {"totp": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None or not model.objects.filter(user=user, pk=pk).delete()[0]:
        raise FactorError("no such factor")
    if not mfa.has_factor(user):
        if mfa.required_for(user):
            raise LastFactorError("the last second factor of a role that needs one")  # rolls the delete back
        StaticDevice.objects.filter(user=user).delete()
    _factor_changed(user, keep_key, f"{kind} removed")


@transaction.atomic
def factors_reset(*, user: User) -> None:
    """Everything gone (a lost phone, with an admin's help): the next sign-in starts at enrolment."""
    for model in (TOTPDevice, WebAuthnCredential, StaticDevice):
        model.objects.filter(user=user).delete()
    _factor_changed(user, None, "all factors reset")


def second_step_verify(*, user: User, code: str) -> Device | None:
    """A six-digit code is checked against the authenticator app; anything else against the recovery codes
    (which are used up). django-otp throttles each device after a wrong code and refuses a code used before."""
    code = (code or "").strip()
    if TOTP_CODE.match(_digits(code)):
        candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
        code = _digits(code)
    else:
        candidates = StaticDevice.objects.filter(user=user, confirmed=True)
        code = re.sub(r"[\s-]", "", code).lower()
    for device in candidates:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def factor_kind(device: Device) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, StaticDevice):
        return "recovery_code"
    return "passkey"


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _hex_key(base32_secret: str) -> str:
    cleaned = re.sub(r"[\s-]", "", base32_secret).upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise FactorError("the TOTP secret is not base32 (letters A-Z and digits 2-7)") from exc
    if not 10 <= len(raw) <= 40:
        raise FactorError("the TOTP secret must be 16 to 64 base32 characters (80 to 320 bits)")
    return raw.hex()


def _factor_changed(user: User, keep_key: str | None, what: str) -> None:
    log.info("user %s: %s", user.pk, what)
    staff_sessions_end(user=user, keep_key=keep_key, reason=EndReason.FACTOR_CHANGED)
