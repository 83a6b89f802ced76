from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import factors, staff_upsert


class Command(BaseCommand):
    help = "Create or update a staff user (agent, supervisor or admin)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", help="set this password (omit to leave it unchanged)")
        parser.add_argument("--role", default=Role.AGENT, choices=Role.values)
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--totp-secret",
            help="enrol an authenticator app with this base32 secret (replaces any earlier one; ends every session)",
        )

    def handle(self, email, password, role, name, totp_secret=None, **options):
        try:
            user, created = staff_upsert(email=email, password=password, role=role, name=name)
            if totp_secret:
                factors.totp_set_secret(user=user, base32_secret=totp_secret)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {user.role} {user.email}" + (" with an authenticator app" if totp_secret else ""))
