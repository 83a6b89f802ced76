"""Reads: a market's rules, a customer's positions, and the breakdown of one position or a market over time.

Rows are read as plain tuples (values_list), not model instances: a position of 10,000 fills is loaded and
explained well within a second.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from pnl.explainer import Breakdown, FundingPayment, MarketRules, Method, Reward, Side, TradeFill, explain
from pnl.models import Fill, MarketSetting, Position, Rebate
from pnl.models import FundingPayment as FundingRow
from tickets.models import Customer

KNOWN_QUOTES = ("USDT", "USDC", "FDUSD", "BUSD", "TUSD", "USD", "EUR", "BTC", "ETH", "BNB")
STABLE_PRECISION = 2
CRYPTO_PRECISION = 8


def _guess_quote(symbol: str) -> str:
    plain = symbol.upper().replace("-", "").replace("_", "").replace("/", "")
    return next((q for q in KNOWN_QUOTES if plain.endswith(q) and plain != q), "USDT")


def market_rules(symbol: str) -> tuple[MarketRules, Method]:
    """The market's own row, else the exchange-wide "*" row, else a guess from the symbol (said in the page)."""
    rows = {s.symbol: s for s in MarketSetting.objects.filter(symbol__in=[symbol, MarketSetting.DEFAULT_SYMBOL])}
    own, default = rows.get(symbol), rows.get(MarketSetting.DEFAULT_SYMBOL)
    setting = own or default
    quote = own.quote_asset if own and own.quote_asset else _guess_quote(symbol)
    if setting is None:
        precision = STABLE_PRECISION if quote.startswith("USD") or quote.endswith("USD") else CRYPTO_PRECISION
        return MarketRules(symbol=symbol, quote_asset=quote, precision=precision), Method.FIFO
    rules = MarketRules(symbol=symbol, quote_asset=quote, precision=setting.precision, rounding=setting.rounding)
    return rules, Method(setting.cost_basis)


def _fills(customer_id: int, market: str, end: datetime | None) -> list[TradeFill]:
    rows = Fill.objects.filter(customer_id=customer_id, market=market)
    if end is not None:
        rows = rows.filter(time__lte=end)
    columns = (
        "external_id",
        "time",
        "side",
        "price",
        "quantity",
        "fee",
        "fee_asset",
        "fee_rate",
        "order_id",
        "reported_pnl",
    )
    return [
        TradeFill(
            ref=ref,
            time=time,
            side=Side(side),
            price=price,
            quantity=qty,
            fee=fee,
            fee_asset=fee_asset,
            fee_rate=rate,
            order_ref=order,
            reported_pnl=reported,
        )
        for ref, time, side, price, qty, fee, fee_asset, rate, order, reported in rows.values_list(*columns)
    ]


def _in_window(rows, start: datetime | None, end: datetime | None):
    if start is not None:
        rows = rows.filter(time__gte=start)
    if end is not None:
        rows = rows.filter(time__lte=end)
    return rows


def _funding(customer_id: int, market: str, start, end) -> list[FundingPayment]:
    rows = _in_window(FundingRow.objects.filter(customer_id=customer_id, market=market), start, end)
    return [FundingPayment(ref=r, time=t, amount=a) for r, t, a in rows.values_list("external_id", "time", "amount")]


def _rewards(customer_id: int, market: str, start, end) -> list[Reward]:
    rows = _in_window(Rebate.objects.filter(customer_id=customer_id, market=market), start, end)
    columns = ("external_id", "time", "kind", "amount", "asset", "rate")
    return [
        Reward(ref=r, time=t, kind=k, amount=a, asset=asset, rate=rate)
        for r, t, k, a, asset, rate in rows.values_list(*columns)
    ]


def market_breakdown(
    *,
    customer: Customer,
    market: str,
    start: datetime | None = None,
    end: datetime | None = None,
    reported: Decimal | None = None,
    method: Method | None = None,
) -> Breakdown:
    """A market over a time range. Earlier fills are read too: they give the cost of what was already open."""
    rules, configured = market_rules(market)
    return explain(
        rules=rules,
        method=method or configured,
        fills=_fills(customer.pk, market, end),
        funding=_funding(customer.pk, market, start, end),
        rewards=_rewards(customer.pk, market, start, end),
        start=start,
        end=end,
        reported=reported,
    )


def position_breakdown(position: Position) -> Breakdown:
    method = Method(position.cost_basis) if position.cost_basis else None
    return market_breakdown(
        customer=position.customer,
        market=position.market,
        start=position.opened_at,
        end=position.closed_at,
        reported=position.reported_pnl,
        method=method,
    )


def position_breakdowns(positions: list[Position]) -> dict[int, Breakdown]:
    """Breakdowns of several positions, reading each (customer, market)'s rows once, not once per position."""
    groups: dict[tuple[int, str], list[Position]] = defaultdict(list)
    for position in positions:
        groups[(position.customer_id, position.market)].append(position)
    result = {}
    for (customer_id, market), group in groups.items():
        end = None if any(p.closed_at is None for p in group) else max(p.closed_at for p in group)
        start = min(p.opened_at for p in group)
        fills = _fills(customer_id, market, end)
        funding, rewards = _funding(customer_id, market, start, end), _rewards(customer_id, market, start, end)
        rules, configured = market_rules(market)
        for p in group:
            result[p.pk] = explain(
                rules=rules,
                method=Method(p.cost_basis) if p.cost_basis else configured,
                fills=fills,
                funding=funding,
                rewards=rewards,
                start=p.opened_at,
                end=p.closed_at,
                reported=p.reported_pnl,
            )
    return result


def recent_positions(customer: Customer, limit: int = 10) -> list[Position]:
    return list(Position.objects.filter(customer=customer).select_related("customer").order_by("-opened_at")[:limit])


def customer_by_id(customer_id: int) -> Customer | None:
    return Customer.objects.filter(pk=customer_id).first()
