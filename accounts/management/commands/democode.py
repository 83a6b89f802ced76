from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo user (demo only; published secrets only)."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="supervisor@demo.test")

    def handle(self, email, **options):
        if not settings.DEMO:
            raise CommandError("democode works only in the demo (HELPDESK_DEMO=true)")
        try:
            self.stdout.write(demo.current_code(email))
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
