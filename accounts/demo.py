"""The demo's staff, their password and their published authenticator secrets (README, "Demo logins"). Public on
purpose: a demo only. `seed` runs first in `manage.py seed_demo` (helpdesk/management/commands/seed_demo.py)."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.services import factors, staff_upsert

DEMO_PASSWORD = "helpdesk-demo"

STAFF = [
    ("supervisor@demo.test", Role.SUPERVISOR, "Sofia Lindqvist"),
    ("amir@demo.test", Role.AGENT, "Amir Rahman"),
    ("mei@demo.test", Role.AGENT, "Mei Chen"),
    ("admin@demo.test", Role.ADMIN, "Ada Admin"),
]

# base32, as an authenticator app takes it
DEMO_TOTP_SECRETS = {
    "supervisor@demo.test": "HELPDESKDEMOSUPERVISOR23",
    "admin@demo.test": "HELPDESKDEMOADMINXXXXX23",
}


def enrol(user: User) -> None:
    secret = DEMO_TOTP_SECRETS.get(user.email)
    if secret and not TOTPDevice.objects.filter(user=user, key=factors._hex_key(secret), confirmed=True).exists():
        factors.totp_set_secret(user=user, base32_secret=secret)


def current_code(email: str) -> str:
    """The code a demo user's app would show now; refuses anyone whose secret is not a published demo one."""
    secret = DEMO_TOTP_SECRETS.get(email)
    device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first() if secret else None
    if device is None or device.key != factors._hex_key(secret):
        raise LookupError(f"{email} has no published demo authenticator secret")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def seed(stdout) -> None:
    for email, role, name in STAFF:
        user, created = staff_upsert(email=email, password=None, role=role, name=name)
        if created or not user.check_password(DEMO_PASSWORD):
            staff_upsert(email=email, password=DEMO_PASSWORD, role=role)
        enrol(user)  # supervisors and admins need a second factor (HELPDESK_MFA_REQUIRED)
