"""The verdict on a breakdown: where the money went (causes) and why our figure and the exchange's differ
(findings). Pure functions, plain English for the agent; the customer's card uses pnl.labels instead."""

from collections import Counter
from decimal import Decimal

from pnl.book import Method
from pnl.values import Breakdown, Cause


def money(amount: Decimal, breakdown: Breakdown) -> str:
    rounded = breakdown.rules.round(amount)
    return f"{rounded:f} {breakdown.rules.quote_asset}"


def causes_of(b: Breakdown, alternative: Breakdown | None) -> tuple:
    """From the profit on price moves to the final figure, one cause per line."""
    causes = [Cause("gross", b.gross, f"Profit or loss on the quantity closed: {money(b.gross, b)}.")]
    if b.fees:
        causes.append(Cause("fees", -b.fees, f"Trading fees: {money(-b.fees, b)}."))
    if b.funding_paid:
        causes.append(Cause("funding_paid", -b.funding_paid, f"Funding paid: {money(-b.funding_paid, b)}."))
    if b.funding_received:
        causes.append(
            Cause("funding_received", b.funding_received, f"Funding received: {money(b.funding_received, b)}.")
        )
    if b.rebates:
        causes.append(Cause("rebates", b.rebates, f"Rebates and rewards: {money(b.rebates, b)}."))
    if b.open_quantity:
        side = "long" if b.open_quantity > 0 else "short"
        text = (
            f"{abs(b.open_quantity):f} {side} is still open: its result is not realized, so it is not in this figure."
        )
        causes.append(Cause("still_open", None, text))
    split = _orders_filled_in_parts(b)
    if split:
        text = f"{split} order(s) filled in several parts; each part is counted at its own price and fee."
        causes.append(Cause("partial_fills", None, text))
    if alternative is not None and alternative.final != b.final:
        difference = alternative.final - b.final
        text = (
            f"Cost basis matters here: with {_method_name(alternative.method)} the figure would be "
            f"{money(alternative.final, b)} instead ({'+' if difference > 0 else ''}{money(difference, b)})."
        )
        causes.append(Cause("method", difference, text))
    return tuple(causes)


def _orders_filled_in_parts(b: Breakdown) -> int:
    orders = Counter(s.order_ref for s in b.steps if s.kind == "trade" and s.order_ref)
    return sum(1 for count in orders.values() if count > 1)


def _method_name(method: Method) -> str:
    return "FIFO" if method == Method.FIFO else "average cost"


def findings_for(b: Breakdown, alternative: Breakdown | None) -> tuple[str, ...]:
    """Plain sentences, the verdict first. A mismatch is always said first and never softened."""
    notes = [f"Data problem: {problem}" for problem in b.problems]
    if b.reported is None:
        return ("The exchange sent no P&L figure for this, so there is nothing to compare against.", *notes)
    if b.status == "match":
        verdict = f"Matches the exchange's figure exactly: {money(b.final, b)} (cost basis {_method_name(b.method)})."
        return (verdict, *notes)
    verdict = (
        f"DOES NOT MATCH: the exchange shows {money(b.reported, b)}, the recomputation gives {money(b.final, b)} "
        f"(difference {money(b.difference, b)})."
    )
    explained = _explanations(b, alternative)
    diverging = [s for s in b.steps if s.problem and s.kind == "trade"]
    if diverging:
        first = diverging[0]
        notes.append(
            f"The fills part ways first at step {first.index} (fill {first.ref}): {first.problem} "
            f"{len(diverging)} fill(s) differ in all."
        )
    if not explained and not diverging:
        explained = [
            "No single cause explains the difference: a fill, fee or funding payment may be missing from what "
            "the exchange sent us. Check with the exchange's back office before answering the customer."
        ]
    return (verdict, *explained, *notes)


def _explanations(b: Breakdown, alternative: Breakdown | None) -> list[str]:
    """Which simple variant of the arithmetic reproduces the exchange's figure exactly."""
    reported = b.rules.round(b.reported)
    funding = b.funding_received - b.funding_paid
    variants = [
        (b.gross, "counts only the trades: fees, funding and rebates are left out"),
        (b.gross - b.fees, "leaves out funding and rebates"),
        (b.gross + funding + b.rebates, "leaves out trading fees"),
        (b.gross - b.fees + b.rebates, "leaves out funding payments"),
        (b.gross - b.fees + funding, "leaves out rebates and rewards"),
    ]
    found = [
        f"The exchange's figure equals the recomputation that {why} ({money(value, b)})."
        for value, why in variants
        if b.rules.round(value) == reported and b.rules.round(value) != b.final
    ]
    if alternative is not None and alternative.final == reported:
        found.append(
            f"The exchange's figure equals the recomputation with {_method_name(alternative.method)} cost basis: "
            f"check which method this market really uses (the setting says {_method_name(b.method)})."
        )
    return found
