"""`python manage.py lookup_tx TXID [--customer SUB] [--expected-chain KEY] [--json]`: the same lookup the
walkthrough runs, in this process, printed as plain words or as JSON (docs/recovery.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from recovery import selectors, services
from recovery.chains import ChainsFileError
from tickets.models import Customer


class Command(BaseCommand):
    help = "Look a transaction up on every configured chain and print the verdict."

    def add_arguments(self, parser):
        parser.add_argument("txid", help="a transaction hash, with or without 0x, or an explorer link")
        parser.add_argument("--customer", help="the customer's id at the exchange (the widget token's sub)")
        parser.add_argument("--expected-chain", default="", help="the chain key the customer meant to use")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(external_id=options["customer"]).first()
            if customer is None:
                raise CommandError(f"no customer with id {options['customer']!r}")
        try:
            lookup = services.lookup_start(
                txid=options["txid"], customer=customer, expected_chain=options["expected_chain"], enqueue=False
            )
            if lookup.status != lookup.Status.DONE:
                lookup = services.lookup_run(lookup_id=lookup.pk)
        except ChainsFileError as exc:
            raise CommandError(str(exc)) from exc
        except services.RecoveryError as exc:
            raise CommandError(exc.detail) from exc
        result = selectors.lookup_json(lookup)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"{result['txid']} ({result['input_format']}): {result['verdict']}")
        for finding in result["findings"]:
            self.stdout.write(f"  {finding['chain']:<12} {finding['status']}")
        self.stdout.write(result["explanation"])
