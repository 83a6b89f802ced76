"""A breakdown as JSON-ready data: exact amounts as strings (never floats), rounded ones beside them."""

from decimal import Decimal

from pnl.explainer import WORKING, Breakdown, Step
from pnl.models import Position

STEP_LIMIT_PAGE = 300  # the page draws this many steps at most
STEP_LIMIT_JSON = 1000  # steps per JSON response by default (?offset=&limit= pages through the rest)
STEP_LIMIT_JSON_MAX = 5000


def _exact(value: Decimal | None) -> str | None:
    """All significant digits, no trailing zeros (the database pads to 18 places)."""
    return None if value is None else f"{value.normalize(WORKING):f}"


def _rounded(value: Decimal | None, breakdown: Breakdown) -> str | None:
    return None if value is None else f"{breakdown.rules.round(value):f}"


def step_dict(step: Step, breakdown: Breakdown) -> dict:
    return {
        "index": step.index,
        "time": step.time.isoformat() if step.time else None,
        "kind": step.kind,
        "ref": step.ref,
        "order": step.order_ref,
        "text": step.text,
        "amount": _exact(step.amount),
        "amount_rounded": _rounded(step.amount, breakdown),
        "running_total": _exact(step.running_total),
        "running_total_rounded": _rounded(step.running_total, breakdown),
        "position_after": _exact(step.position_after),
        "reported": _exact(step.reported),
        "problem": step.problem,
    }


def breakdown_dict(
    breakdown: Breakdown, *, position: Position | None = None, offset: int = 0, limit: int = STEP_LIMIT_JSON
) -> dict:
    """Totals, verdict and causes, and one page of steps (`steps_total` says how many there are)."""
    b = breakdown
    shown = b.steps[offset : offset + limit]
    data = {
        "market": b.rules.symbol,
        "quote_asset": b.rules.quote_asset,
        "precision": b.rules.precision,
        "rounding": b.rules.rounding,
        "cost_basis": str(b.method),
        "status": b.status,
        "final": _rounded(b.final, b),
        "total_exact": _exact(b.total),
        "reported": _exact(b.reported),
        "difference": _exact(b.difference),
        "gross": _exact(b.gross),
        "fees": _exact(b.fees),
        "funding_paid": _exact(b.funding_paid),
        "funding_received": _exact(b.funding_received),
        "rebates": _exact(b.rebates),
        "open_quantity": _exact(b.open_quantity),
        "findings": list(b.findings),
        "causes": [{"key": c.key, "amount": _exact(c.amount), "text": c.text} for c in b.causes],
        "problems": list(b.problems),
        "steps_total": len(b.steps),
        "steps_offset": offset,
        "next_offset": offset + len(shown) if offset + len(shown) < len(b.steps) else None,
        "steps": [step_dict(s, b) for s in shown],
    }
    if position is not None:
        data["position"] = {
            "id": position.pk,
            "external_id": position.external_id,
            "opened_at": position.opened_at.isoformat(),
            "closed_at": position.closed_at.isoformat() if position.closed_at else None,
        }
    return data
