from datetime import timedelta

from django.core.management.base import BaseCommand

from chat.attachments import services


class Command(BaseCommand):
    help = "Delete uploads never sent (and their files) older than --hours (default 24). Touches no conversation."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        count = services.unsent_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"{count} unsent attachment(s) deleted")
