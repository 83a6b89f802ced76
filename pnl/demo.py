"""Demo trading for `make run`: demo-alice (English) and demo-ivan (Russian) each hold a BTCUSDT position where
gross profit 24.00 - fees 6.50 - funding 3.50 = 14.00 USDT, and an ETHUSDT short where the exchange's own
figure left the fees out, so the page shows a mismatch and names its cause. Safe to run again."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pnl import services
from tickets.models import Customer

D = Decimal
DAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


def _btc(prefix: str) -> tuple[list, list, dict]:
    # Buy 0.02 BTC @ 64,000 in two parts of one order, fees 0.003 + 0.002 BNB at 600 = 1.80 + 1.20 USDT;
    # sell 0.02 @ 65,200, fee 3.50 USDT. Gross 0.02 * 1,200 = 24.00; fees 6.50; funding 2 * -1.75 = -3.50.
    fills = [
        dict(external_id=f"{prefix}-t1", time=_at(0), market="BTCUSDT", side="buy", price=D(64000),
             quantity=D("0.012"), fee=D("0.003"), fee_asset="BNB", fee_rate=D(600), order_id=f"{prefix}-o1"),
        dict(external_id=f"{prefix}-t2", time=_at(0.01), market="BTCUSDT", side="buy", price=D(64000),
             quantity=D("0.008"), fee=D("0.002"), fee_asset="BNB", fee_rate=D(600), order_id=f"{prefix}-o1"),
        dict(external_id=f"{prefix}-t3", time=_at(17), market="BTCUSDT", side="sell", price=D(65200),
             quantity=D("0.02"), fee=D("3.50"), order_id=f"{prefix}-o2"),
    ]  # fmt: skip
    funding = [
        dict(external_id=f"{prefix}-f1", time=_at(8), market="BTCUSDT", amount=D("-1.75")),
        dict(external_id=f"{prefix}-f2", time=_at(16), market="BTCUSDT", amount=D("-1.75")),
    ]
    position = dict(external_id=f"{prefix}-btc", market="BTCUSDT", opened_at=_at(0), closed_at=_at(17),
                    reported_pnl=D("14.00"))  # fmt: skip
    return fills, funding, position


def _eth(prefix: str) -> tuple[list, list, dict]:
    # Short 1 ETH @ 3,000, buy back @ 2,950: gross 50; fees 1.50 + 1.475; funding received 0.80.
    # 50 - 2.975 + 0.80 = 47.825 -> 47.82 (half-even). The exchange shows 50.80: it left the fees out.
    fills = [
        dict(external_id=f"{prefix}-t4", time=_at(30), market="ETHUSDT", side="sell", price=D(3000),
             quantity=D(1), fee=D("1.50"), order_id=f"{prefix}-o3"),
        dict(external_id=f"{prefix}-t5", time=_at(40), market="ETHUSDT", side="buy", price=D(2950),
             quantity=D(1), fee=D("1.475"), order_id=f"{prefix}-o4"),
    ]  # fmt: skip
    funding = [dict(external_id=f"{prefix}-f3", time=_at(32), market="ETHUSDT", amount=D("0.80"))]
    position = dict(external_id=f"{prefix}-eth", market="ETHUSDT", opened_at=_at(30), closed_at=_at(40),
                    reported_pnl=D("50.80"))  # fmt: skip
    return fills, funding, position


def seed(stdout) -> None:
    services.market_setting_upsert(symbol="BTCUSDT", quote_asset="USDT", precision=2, cost_basis="fifo")
    services.market_setting_upsert(symbol="ETHUSDT", quote_asset="USDT", precision=2, cost_basis="fifo")
    for external_id in ("demo-alice", "demo-ivan"):
        customer = Customer.objects.filter(external_id=external_id).first()
        if customer is None:
            continue
        for fills, funding, position in (_btc(external_id), _eth(external_id)):
            services.fills_import(customer=customer, fills=fills)
            services.funding_import(customer=customer, payments=funding)
            services.positions_import(customer=customer, positions=[position])
        stdout.write(f"  P&L explainer: /pnl/customers/{customer.pk}/ ({customer.display_name})")
