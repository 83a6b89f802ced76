"""Demo data for `make run`. Safe to run again: it updates what exists and adds what is missing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo
from accounts.models import Role
from accounts.services import staff_upsert
from tickets import services as tickets_services

DEMO_PASSWORD = "helpdesk-demo"

STAFF = [
    ("supervisor@demo.test", Role.SUPERVISOR, "Sofia Lindqvist"),
    ("amir@demo.test", Role.AGENT, "Amir Rahman"),
    ("mei@demo.test", Role.AGENT, "Mei Chen"),
    ("admin@demo.test", Role.ADMIN, "Ada Admin"),
]

CUSTOMERS = [
    {"external_id": "demo-alice", "name": "Alice Moreau", "email": "alice@example.com", "locale": "en"},
    {"external_id": "demo-ivan", "name": "Иван Петров", "email": "ivan@example.com", "locale": "ru", "vip": "gold"},
    {"external_id": "demo-layla", "name": "ليلى حسن", "email": "layla@example.com", "locale": "ar"},
    {"external_id": "demo-wei", "name": "王伟", "email": "wei@example.com", "locale": "zh-hans"},
    {"external_id": "demo-maria", "name": "Maria Santos", "email": "maria@example.com", "locale": "fil"},
    {"external_id": "demo-rahim", "name": "রহিম উদ্দিন", "email": "rahim@example.com", "locale": "bn"},
    # chat/demo.py: his chat shows a look-alike link and a recovery phrase removed (docs/SECURITY.md)
    {
        "external_id": "demo-sam",
        "name": "Sam Okafor",
        "email": "sam.okafor@example.com",
        "phone": "+234 803 555 0142",
        "locale": "en",
    },
]

# Other apps add their own demo data by registering a callable here (see tickets/recovery demo modules).
EXTRA_SEEDERS: list = []


class Command(BaseCommand):
    help = "Create or refresh the demo staff and customers, then print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, role, name in STAFF:
            user, created = staff_upsert(email=email, password=None, role=role, name=name)
            if created or not user.check_password(DEMO_PASSWORD):
                staff_upsert(email=email, password=DEMO_PASSWORD, role=role)
            demo.enrol(user)  # supervisors and admins need a second factor (HELPDESK_MFA_REQUIRED)
        for fields in CUSTOMERS:
            tickets_services.customer_upsert(**fields)
        for seeder in _seeders():
            seeder(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for email, role, _ in STAFF:
            secret = demo.DEMO_TOTP_SECRETS.get(email)
            factor = f"  authenticator key: {secret}" if secret else ""
            self.stdout.write(f"  {role:<11} {email:<24} password: {DEMO_PASSWORD}{factor}")
        self.stdout.write("  The current code for a demo key: python manage.py democode supervisor@demo.test")
        self.stdout.write("  Customer view (demo exchange site): /demo/exchange/?user=demo-alice")


def _seeders():
    from importlib import import_module

    for module_name in ("tickets.demo", "recovery.demo", "chat.demo", "pnl.demo", "supervisor.demo"):
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if not module_name.startswith(exc.name or "?"):
                raise
            continue
        yield module.seed
