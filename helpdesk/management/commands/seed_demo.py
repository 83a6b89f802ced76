"""Demo data for `make run`. Safe to run again: each app's seeder updates what exists and adds what is missing.

Every app's seeder is named here, in the order the data depends on (staff, then customers and tickets, then the
rest): a seeder that goes missing is an ImportError, never a silent skip."""

from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from chat import demo as chat_demo
from helpdesk import demo_stories
from pnl import demo as pnl_demo
from recovery import demo as recovery_demo
from supervisor import demo as supervisor_demo
from tickets import demo as tickets_demo

SEEDERS = [
    accounts_demo.seed,
    tickets_demo.seed,
    recovery_demo.seed,
    chat_demo.seed,
    pnl_demo.seed,
    # The history, with the two stories that span recovery and pnl (a walkthrough to a credited case, a shared P&L).
    partial(supervisor_demo.seed, stories=demo_stories.seed),
]


class Command(BaseCommand):
    help = "Create or refresh the demo staff, customers and history, then print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        for seed in SEEDERS:
            seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for email, role, _ in accounts_demo.STAFF:
            secret = accounts_demo.DEMO_TOTP_SECRETS.get(email)
            factor = f"  authenticator key: {secret}" if secret else ""
            self.stdout.write(f"  {role:<11} {email:<24} password: {accounts_demo.DEMO_PASSWORD}{factor}")
        self.stdout.write("  The current code for a demo key: python manage.py democode supervisor@demo.test")
        self.stdout.write("  Customer view (demo exchange site): /demo/exchange/?user=demo-alice")
