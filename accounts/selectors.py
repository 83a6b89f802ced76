"""Reads for the security and sessions pages."""

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import StaffSession, User
from accounts.services.sessions import expires_at
from accounts.useragent import describe


@dataclass
class Factor:
    kind: str  # "totp" | "passkey"
    pk: int
    name: str
    added: datetime | None
    last_used: datetime | None


def factors_of(user: User) -> list[Factor]:
    found = [
        Factor("totp", device.pk, device.name, device.created_at, device.last_used_at)
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    ]
    found += [
        Factor("passkey", credential.pk, credential.name, credential.created_at, credential.last_used_at)
        for credential in WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")
    ]
    return found


def grouped_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@dataclass
class OpenSession:
    pk: int
    browser: str
    system: str
    user_agent: str
    address: str
    via: str
    second_factor: str
    started_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool


def open_sessions(user: User, current: StaffSession | None) -> list[OpenSession]:
    live_since = timezone.now() - timedelta(hours=settings.STAFF_SESSION_HOURS)
    rows = StaffSession.objects.filter(user=user, ended_at=None, started_at__gt=live_since).order_by("-last_seen_at")
    listed = []
    for row in rows:
        browser, system = describe(row.user_agent)
        listed.append(
            OpenSession(
                pk=row.pk,
                browser=browser,
                system=system,
                user_agent=row.user_agent,
                address=row.address,
                via=row.via,
                second_factor=row.second_factor,
                started_at=row.started_at,
                last_seen_at=row.last_seen_at,
                expires_at=expires_at(row),
                current=current is not None and row.pk == current.pk,
            )
        )
    listed.sort(key=lambda item: not item.current)  # this one first
    return listed
