"""Create an API key for the exchange's backend and print it once (only its hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from tickets import services
from tickets.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key: createapikey NAME --scope tickets:read --scope tickets:write … (prints the key once)"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            choices=ApiKey.Scope.values,
            help="repeat for several scopes",
        )
        parser.add_argument(
            "--staff",
            metavar="EMAIL",
            default="",
            help="bind the key to this staff member: their reads through it are recorded in the access log",
        )

    def handle(self, *args, name: str, scope: list[str], staff: str, **options):
        if not scope:
            raise CommandError(f"give at least one --scope ({', '.join(ApiKey.Scope.values)})")
        owner = User.objects.filter(email__iexact=staff.strip()).first() if staff else None
        if staff and owner is None:
            raise CommandError(f"no staff member has the email {staff!r}")
        try:
            key, raw = services.api_key_create(name=name, scopes=scope, staff=owner)
        except services.TicketError as exc:
            raise CommandError(exc.detail) from exc
        self.stderr.write(f"Created API key {key.name!r} with scopes {', '.join(key.scopes)}. Store it now:")
        self.stdout.write(raw)
