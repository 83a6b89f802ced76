"""The breakdown as a chat card (docs/cards.md): a small table in the customer's language, plain text only."""

from decimal import Decimal

from pnl.explainer import Breakdown
from pnl.labels import labels_for
from pnl.models import Position

MINUS = "\u2212"  # a real minus sign reads better than a hyphen in a table of money


def money(amount: Decimal, breakdown: Breakdown, words: dict, signed: bool = False, asset: bool = True) -> str:
    """Rounded as the market rounds, with the language's decimal mark. Table cells leave the asset out (the
    intro names it), so the numbers stay on one line in a phone-wide widget."""
    text = f"{abs(breakdown.rules.round(amount)):f}".replace(".", words["decimal"])
    sign = ""
    if signed or amount < 0:
        sign = MINUS if breakdown.rules.round(amount) < 0 else "+"
    return f"{sign}{text} {breakdown.rules.quote_asset}" if asset else f"{sign}{text}"


def summary_rows(breakdown: Breakdown) -> list[tuple[str, Decimal]]:
    """Label keys and amounts, in the order the money moved from price profit to the result."""
    rows = [("gross", breakdown.gross)]
    optional = [
        ("fees", -breakdown.fees),
        ("funding_paid", -breakdown.funding_paid),
        ("funding_received", breakdown.funding_received),
        ("rebates", breakdown.rebates),
    ]
    return rows + [(key, amount) for key, amount in optional if amount]


def breakdown_card(breakdown: Breakdown, *, position: Position, language: str | None) -> tuple[str, dict]:
    """(plain-text body, card payload) for one position."""
    lang, words = labels_for(language)
    running = Decimal(0)
    table_rows = []
    for key, amount in summary_rows(breakdown):
        running += amount
        amount_text = money(amount, breakdown, words, signed=True, asset=False)
        table_rows.append([words[key], amount_text, money(running, breakdown, words, asset=False)])
    table_rows.append([words["result"], "", money(breakdown.total, breakdown, words)])
    verdict = _verdict(breakdown, words)
    blocks = [
        {"text": words["intro"].format(asset=breakdown.rules.quote_asset)},
        {"table": {"columns": [words["col_step"], words["col_amount"], words["col_total"]], "rows": table_rows}},
        {"text": verdict},
    ]
    if breakdown.open_quantity:
        blocks.append({"text": words["still_open"]})
    title = words["title"].format(market=position.market)
    payload = {
        "type": "pnl.breakdown",
        "ref": f"pnl-position-{position.pk}",
        "lang": lang,
        "title": title,
        "blocks": blocks,
        "position": position.external_id,
        "status": breakdown.status,
    }
    asset = breakdown.rules.quote_asset
    lines = [f"{r[0]}: {r[1]} {asset}" for r in table_rows[:-1]] + [f"{table_rows[-1][0]}: {table_rows[-1][2]}"]
    body = "\n".join([title, *lines, verdict])
    return body, payload


def _verdict(breakdown: Breakdown, words: dict) -> str:
    final = money(breakdown.final, breakdown, words)
    if breakdown.reported is None:
        return words["no_report"].format(final=final)
    reported = money(breakdown.reported, breakdown, words)
    if breakdown.status == "match":
        return words["match"].format(reported=reported)
    difference = money(abs(breakdown.difference), breakdown, words)
    return words["mismatch"].format(reported=reported, final=final, difference=difference)
