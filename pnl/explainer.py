"""Recompute a position's realized P&L step by step, the way the exchange should have, and compare.

Pure functions on plain values: no database, no clock, no settings. Money is `Decimal` throughout; amounts are
exact (sums and products of the exchange's own numbers). The only division is the average-cost entry price
(pnl.book); it is carried at 50 significant digits, which is exact whenever the quotient terminates.
Rounding (the market's precision and mode) is applied once, to the final figure and to what is displayed, so
splitting a fill in two can never move the result by a rounding step.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, localcontext

from pnl.book import ZERO, Book, Method, Side
from pnl.diagnosis import causes_of, findings_for
from pnl.values import WORKING, Breakdown, Cause, FundingPayment, MarketRules, Reward, Step, TradeFill

# The values are named here too: callers import the whole explainer from one place.
__all__ = [
    "WORKING",
    "Breakdown",
    "Cause",
    "FundingPayment",
    "MarketRules",
    "Method",
    "Reward",
    "Side",
    "Step",
    "TradeFill",
    "explain",
    "plain_decimal",
]

# --- The walk ----------------------------------------------------------------------------------------


def fee_in_quote(fill: TradeFill, quote_asset: str) -> Decimal | None:
    """The fee in the quote asset at the fill-time rate; None when it is in another asset with no rate."""
    if not fill.fee:
        return ZERO
    if fill.fee_asset in ("", quote_asset):
        return fill.fee
    return None if fill.fee_rate is None else fill.fee * fill.fee_rate


def reward_in_quote(reward: Reward, quote_asset: str) -> Decimal | None:
    if reward.asset in ("", quote_asset):
        return reward.amount
    return None if reward.rate is None else reward.amount * reward.rate


def _in_range(time: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or time >= start) and (end is None or time <= end)


def _ordered_fills(fills: Iterable[TradeFill]) -> list[TradeFill]:
    return sorted(fills, key=lambda f: (f.time, f.ref))


def explain(
    *,
    rules: MarketRules,
    method: Method,
    fills: Iterable[TradeFill],
    funding: Iterable[FundingPayment] = (),
    rewards: Iterable[Reward] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    reported: Decimal | None = None,
    compare_methods: bool = True,
) -> Breakdown:
    """Every step from the first fill in [start, end] to the last, with running totals, and the verdict.

    Fills before `start` are replayed only to know the cost of what was already open when the range begins.
    """
    with localcontext(WORKING):
        fills = _ordered_fills(fills)
        walk = _Walk(rules=rules, book=Book(method=Method(method)))
        walk.carry_in([f for f in fills if start is not None and f.time < start], start)
        events = [(f.time, 0, f.ref, f) for f in fills if _in_range(f.time, start, end)]
        events += [(p.time, 1, p.ref, p) for p in funding if _in_range(p.time, start, end)]
        events += [(r.time, 2, r.ref, r) for r in rewards if _in_range(r.time, start, end)]
        for _, _, _, event in sorted(events, key=lambda e: e[:3]):
            walk.take(event)
        breakdown = walk.result(reported)
        alternative = _with_other_method(breakdown, fills, start, end) if compare_methods else None
        return replace(
            breakdown,
            causes=causes_of(breakdown, alternative),
            findings=findings_for(breakdown, alternative),
        )


def _with_other_method(b: Breakdown, fills: list[TradeFill], start: datetime | None, end: datetime | None):
    """The same breakdown under the other cost-basis method, totals only. Fees, funding and rebates do not
    depend on the method, so only the trades are booked again."""
    other = Method.AVERAGE if b.method == Method.FIFO else Method.FIFO
    book, gross = Book(method=other), ZERO
    for fill in fills:  # in time order
        if end is not None and fill.time > end:
            break
        realized, _, _ = book.apply(fill.side, fill.price, fill.quantity)
        if start is None or fill.time >= start:
            gross += realized
    total = b.total - b.gross + gross
    return replace(
        b, method=other, steps=(), gross=gross, total=total, final=b.rules.round(total), open_quantity=book.signed
    )


@dataclass
class _Walk:
    rules: MarketRules
    book: Book
    steps: list = field(default_factory=list)
    total: Decimal = ZERO
    gross: Decimal = ZERO
    fees: Decimal = ZERO
    funding_paid: Decimal = ZERO
    funding_received: Decimal = ZERO
    rebates: Decimal = ZERO
    problems: list = field(default_factory=list)

    def carry_in(self, earlier: Sequence[TradeFill], start: datetime | None) -> None:
        for fill in earlier:
            self.book.apply(fill.side, fill.price, fill.quantity)
        if self.book.quantity:
            side = "long" if self.book.direction > 0 else "short"
            text = (
                f"Already open when the range starts: {plain_decimal(self.book.quantity)} {side} at an average "
                f"entry of {plain_decimal(self.book.entry_price())} (from {len(earlier)} earlier fills; "
                "only their cost is used)."
            )
            self._add(time=start, kind="carried_in", ref="", describe=text, amount=ZERO)

    def take(self, event) -> None:
        if isinstance(event, TradeFill):
            self._trade(event)
        elif isinstance(event, FundingPayment):
            self._funding(event)
        else:
            self._reward(event)

    def _add(self, **values) -> None:
        self.total += values["amount"]
        step = Step(index=len(self.steps) + 1, running_total=self.total, position_after=self.book.signed, **values)
        self.steps.append(step)

    def _trade(self, fill: TradeFill) -> None:
        was = self.book.signed
        realized, closed, opened = self.book.apply(fill.side, fill.price, fill.quantity)
        self.gross += realized
        problem = ""
        if fill.reported_pnl is not None and self.rules.round(fill.reported_pnl) != self.rules.round(realized):
            problem = (
                f"The exchange reports {plain_decimal(fill.reported_pnl)} for this fill; the recomputation gives "
                f"{plain_decimal(self.rules.round(realized))}."
            )
        self._add(
            time=fill.time,
            kind="trade",
            ref=fill.ref,
            describe=(_trade_text, fill, was, closed, opened, realized, self.rules.quote_asset),
            amount=realized,
            order_ref=fill.order_ref,
            reported=fill.reported_pnl,
            problem=problem,
        )
        self._fee(fill)

    def _fee(self, fill: TradeFill) -> None:
        if not fill.fee:
            return
        quote = self.rules.quote_asset
        converted = fee_in_quote(fill, quote)
        if converted is None:
            fee = plain_decimal(fill.fee)
            problem = f"Fee of {fee} {fill.fee_asset} on fill {fill.ref} has no {quote} rate at fill time."
            self.problems.append(problem)
            text = f"Fee {plain_decimal(fill.fee)} {fill.fee_asset}: not counted, the conversion rate is missing."
            self._add(time=fill.time, kind="fee", ref=fill.ref, describe=text, amount=ZERO, problem=problem)
            return
        self.fees += converted
        describe = (_fee_text, fill, converted, quote)
        self._add(
            time=fill.time, kind="fee", ref=fill.ref, describe=describe, amount=-converted, order_ref=fill.order_ref
        )

    def _funding(self, payment: FundingPayment) -> None:
        if payment.amount >= 0:
            self.funding_received += payment.amount
            text = f"Funding received: {plain_decimal(payment.amount)} {self.rules.quote_asset}."
        else:
            self.funding_paid -= payment.amount
            text = f"Funding paid: {plain_decimal(-payment.amount)} {self.rules.quote_asset}."
        self._add(time=payment.time, kind="funding", ref=payment.ref, describe=text, amount=payment.amount)

    def _reward(self, reward: Reward) -> None:
        quote = self.rules.quote_asset
        converted = reward_in_quote(reward, quote)
        if converted is None:
            problem = (
                f"{reward.kind} {reward.ref} of {plain_decimal(reward.amount)} {reward.asset} has no {quote} rate."
            )
            self.problems.append(problem)
            text = (
                f"{reward.kind.capitalize()} {plain_decimal(reward.amount)} {reward.asset}: not counted, rate missing."
            )
            self._add(time=reward.time, kind="rebate", ref=reward.ref, describe=text, amount=ZERO, problem=problem)
            return
        self.rebates += converted
        text = f"{reward.kind.capitalize()}: {plain_decimal(reward.amount)} {reward.asset or quote}"
        if reward.asset not in ("", quote):
            text += f" = {plain_decimal(converted)} {quote}"
        self._add(time=reward.time, kind="rebate", ref=reward.ref, describe=text + ".", amount=converted)

    def result(self, reported: Decimal | None) -> Breakdown:
        return Breakdown(
            rules=self.rules,
            method=self.book.method,
            steps=tuple(self.steps),
            gross=self.gross,
            fees=self.fees,
            funding_paid=self.funding_paid,
            funding_received=self.funding_received,
            rebates=self.rebates,
            total=self.total,
            final=self.rules.round(self.total),
            reported=reported,
            open_quantity=self.book.signed,
            causes=(),
            problems=tuple(self.problems),
        )


def _trade_text(fill: TradeFill, was: Decimal, closed: Decimal, opened: Decimal, realized: Decimal, quote: str) -> str:
    verb = "Bought" if fill.side == Side.BUY else "Sold"
    parts = [f"{verb} {plain_decimal(fill.quantity)} at {plain_decimal(fill.price)}"]
    if closed:
        side = "long" if was > 0 else "short"
        parts.append(f"closed {plain_decimal(closed)} of the {side}: {_signed(realized)} {quote}")
    if opened:
        side = "long" if fill.side == Side.BUY else "short"
        parts.append(f"{'flipped to' if closed else 'opened'} {plain_decimal(opened)} {side}")
    return ", ".join(parts) + "."


def _fee_text(fill: TradeFill, converted: Decimal, quote: str) -> str:
    text = f"Trading fee {plain_decimal(fill.fee)} {fill.fee_asset or quote}"
    if fill.fee_asset not in ("", quote):
        text += f" at {plain_decimal(fill.fee_rate)} {quote} each = {plain_decimal(converted)} {quote}"
    return text + "."


def plain_decimal(value: Decimal | None) -> str:
    """A Decimal without exponent or trailing zeros (1E+1 -> 10, 2.50 -> 2.5)."""
    if value is None:
        return "?"
    return f"{value.normalize(WORKING):f}"


def _signed(value: Decimal) -> str:
    return f"+{plain_decimal(value)}" if value >= 0 else plain_decimal(value)
