"""Money on the explainer page, rounded the way the market rounds (floatformat would always round half up)."""

from decimal import Decimal

from django import template

from pnl.explainer import Breakdown

register = template.Library()


@register.filter
def market_round(value: Decimal | None, breakdown: Breakdown) -> str:
    if value is None:
        return "—"
    return f"{breakdown.rules.round(value):f}"
