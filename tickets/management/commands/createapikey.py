"""Create an API key for the exchange's backend and print it once (only its hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, name: str, scope: list[str], **options):
        if not scope:
            raise CommandError(f"give at least one --scope ({', '.join(ApiKey.Scope.values)})")
        try:
            key, raw = services.api_key_create(name=name, scopes=scope)
        except services.TicketError as exc:
            raise CommandError(exc.detail) from exc
        self.stderr.write(f"Created API key {key.name!r} with scopes {', '.join(key.scopes)}. Store it now:")
        self.stdout.write(raw)
