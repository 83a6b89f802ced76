"""P&L explainer benchmark: one position of 10,000 fills (partial closes, flips through zero, fees in BNB,
funding every 50 fills), then the time to produce its breakdown, measured four ways:

  explain      the pure recomputation (FIFO, plus the average-cost comparison it always runs)
  selector     read the rows from the database + explain
  json         GET /pnl/positions/<id>/breakdown.json through Django (what the console fetches)
  page         GET /pnl/customers/<id>/ (the agent's page, first 1,000 steps drawn)

Target: the breakdown within a second. Everything is created in one transaction that is rolled back.

    BENCH_DATABASE_URL=postgres://…/helpdesk_x .venv/bin/python bench/pnl_bench.py [--fills 10000] [--repeat 5]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.env import OUT, django_setup

TARGET_S = 1.0


class Rollback(Exception):
    pass


def make_rows(count: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """A reproducible, busy trading history: the position grows, shrinks, flips, and pays fees two ways."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    price, position, fills, funding = Decimal(60000), Decimal(0), [], []
    for i in range(count):
        price = max(Decimal(1000), price + Decimal(rng.randint(-5000, 5000)) / 100)
        quantity = Decimal(rng.randint(1, 50)) / 1000
        # Lean against a large position so it keeps crossing zero instead of drifting away.
        buy = rng.random() < (0.5 - float(position) * 0.5)
        position += quantity if buy else -quantity
        in_bnb = rng.random() < 0.3
        fee = (price * quantity * Decimal("0.0004")).quantize(Decimal("0.0001"))
        fills.append(
            {
                "external_id": f"bench-fill-{i}",
                "time": start + timedelta(minutes=i),
                "market": "BTCUSDT",
                "side": "buy" if buy else "sell",
                "price": price,
                "quantity": quantity,
                "fee": (fee / 600).quantize(Decimal("0.00000001")) if in_bnb else fee,
                "fee_asset": "BNB" if in_bnb else "",
                "fee_rate": Decimal(600) if in_bnb else None,
                "order_id": f"bench-order-{i // 3}",
            }
        )
        if i % 50 == 49:
            amount = Decimal(rng.randint(-300, 300)) / 100
            funding.append(
                {"external_id": f"bench-fund-{i}", "time": start + timedelta(minutes=i, seconds=30),
                 "market": "BTCUSDT", "amount": amount}
            )  # fmt: skip
    return fills, funding


def timed(fn, repeat: int) -> dict:
    """Wall time (what the agent waits) and this process's CPU time (our own work, whatever the neighbours do)."""
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return {
        "median_s": round(statistics.median(wall), 4),
        "max_s": round(max(wall), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
        "runs": repeat,
    }


def run(count: int, repeat: int) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from accounts.models import Role
    from accounts.services import staff_upsert
    from helpdesk.gc_tuning import tune_for_server
    from pnl import selectors, services
    from pnl.explainer import Method, explain
    from pnl.models import Position
    from tickets import services as tickets_services

    call_command("migrate", verbosity=0)
    tune_for_server()  # as the ASGI server process does at start-up
    fills, funding = make_rows(count)
    result: dict = {}
    try:
        with transaction.atomic():
            customer = tickets_services.customer_upsert(external_id="bench-pnl-customer", name="Bench trader")
            began = time.perf_counter()
            services.fills_import(customer=customer, fills=fills)
            services.funding_import(customer=customer, payments=funding)
            result["import_s"] = round(time.perf_counter() - began, 3)
            services.positions_import(
                customer=customer,
                positions=[{"external_id": "bench-pnl-position", "market": "BTCUSDT",
                            "opened_at": fills[0]["time"], "closed_at": fills[-1]["time"] + timedelta(hours=1)}],
            )  # fmt: skip
            position = Position.objects.select_related("customer").get(external_id="bench-pnl-position")
            breakdown = selectors.position_breakdown(position)
            rules, _ = selectors.market_rules("BTCUSDT")
            inputs = (
                selectors._fills(customer.pk, "BTCUSDT", None),
                selectors._funding(customer.pk, "BTCUSDT", None, None),
            )
            result["explain"] = timed(
                lambda: explain(rules=rules, method=Method.FIFO, fills=inputs[0], funding=inputs[1]), repeat
            )
            result["selector"] = timed(lambda: selectors.position_breakdown(position), repeat)
            agent, _ = staff_upsert(email="bench-pnl@bench.test", password=None, role=Role.AGENT, name="Bench")
            client = Client()
            client.force_login(agent)
            url = f"/pnl/positions/{position.pk}/breakdown.json"
            assert client.get(url).status_code == 200
            result["json"] = timed(lambda: client.get(url), repeat)
            page = f"/pnl/customers/{customer.pk}/"
            assert client.get(page).status_code == 200
            result["page"] = timed(lambda: client.get(page), repeat)
            result.update(
                fills=count,
                funding_payments=len(funding),
                steps=len(breakdown.steps),
                final=f"{breakdown.final} {breakdown.rules.quote_asset}",
                open_quantity=str(breakdown.open_quantity.normalize()),
            )
            raise Rollback
    except Rollback:
        pass
    result["load_average_1m"] = round(os.getloadavg()[0], 2)  # the machine is shared: say how busy it was
    result["cpus"] = os.cpu_count()
    result["target_s"] = TARGET_S
    # Judged on the median: the machine is shared and one slow run says more about the neighbours than about us
    # (the max is reported beside it).
    result["meets_target"] = result["json"]["median_s"] <= TARGET_S
    return result


def _line(name: str, t: dict) -> str:
    return f"  {name:<8} median {t['median_s']:.3f} s  max {t['max_s']:.3f} s  (CPU {t['cpu_median_s']:.3f} s)\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fills", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_setup()
    result = run(args.fills, args.repeat)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pnl.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"P&L breakdown of {result['fills']:,} fills ({result['steps']:,} steps, result {result['final']}):\n"
        + "".join(_line(name, result[name]) for name in ("explain", "selector", "json", "page"))
        + f"  target: json median <= {TARGET_S:.1f} s: {'met' if result['meets_target'] else 'MISSED'}\n"
        f"  load average {result['load_average_1m']} on {result['cpus']} CPUs; written to {OUT / 'pnl.json'}"
    )


if __name__ == "__main__":
    main()
