"""Small builders for explainer inputs, so each worked example reads like the arithmetic beside it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pnl.explainer import FundingPayment, MarketRules, Reward, Side, TradeFill

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
USDT = MarketRules(symbol="BTCUSDT", quote_asset="USDT", precision=2)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def fill(ref, minute, side, price, quantity, fee="0", fee_asset="", fee_rate=None, order="", reported=None):
    return TradeFill(
        ref=ref,
        time=at(minute),
        side=Side(side),
        price=Decimal(price),
        quantity=Decimal(quantity),
        fee=Decimal(fee),
        fee_asset=fee_asset,
        fee_rate=None if fee_rate is None else Decimal(fee_rate),
        order_ref=order,
        reported_pnl=None if reported is None else Decimal(reported),
    )


def funding(ref, minute, amount):
    return FundingPayment(ref=ref, time=at(minute), amount=Decimal(amount))


def reward(ref, minute, amount, kind="rebate", asset="", rate=None):
    return Reward(
        ref=ref,
        time=at(minute),
        kind=kind,
        amount=Decimal(amount),
        asset=asset,
        rate=None if rate is None else Decimal(rate),
    )
