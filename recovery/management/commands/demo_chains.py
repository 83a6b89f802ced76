"""`python manage.py demo_chains --ethereum URL --bsc URL --out FILE`: seed the local demo chains (see
recovery/demo.py); run by scripts/demo-chains."""

from pathlib import Path

from django.core.management.base import BaseCommand

from recovery.demo import seed_chains


class Command(BaseCommand):
    help = "Seed two fresh local anvil chains with the wrong-chain demo and write their registry file."

    def add_arguments(self, parser):
        parser.add_argument("--ethereum", required=True, help="RPC URL of a fresh anvil with chain id 1")
        parser.add_argument("--bsc", required=True, help="RPC URL of a fresh anvil with chain id 56")
        parser.add_argument("--out", required=True, help="where to write the chain registry TOML")

    def handle(self, *args, **options):
        txids = seed_chains(ethereum_url=options["ethereum"], bsc_url=options["bsc"], out=Path(options["out"]))
        self.stdout.write(f"Demo chains ready. demo-alice's USDT sent on the wrong network: {txids['wrong_network']}")
        self.stdout.write(f"                   a normal deposit on the right network:      {txids['credited']}")
        self.stdout.write(f"                   sent to a look-alike of her address:        {txids['poisoning']}")
