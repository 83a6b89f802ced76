"""Money on the explainer page, rounded the way the market rounds (floatformat would always round half up)."""

from decimal import Decimal

from django import template

from pnl.explainer import Breakdown, plain_decimal

register = template.Library()


@register.filter
def market_round(value: Decimal | None, breakdown: Breakdown) -> str:
    if value is None:
        return "—"
    return f"{breakdown.rules.round(value):f}"


@register.filter
def plain_number(value: Decimal | None) -> str:
    """A quantity as the exchange wrote it: no padding zeros (0.012000000000000000 -> 0.012)."""
    return "—" if value is None else plain_decimal(value)
