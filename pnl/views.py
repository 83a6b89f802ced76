"""Agent pages: a customer's positions with their breakdowns, sharing one into the chat, and the same
breakdowns as JSON for the console. Thin: parse, authorise, call pnl.selectors / pnl.services."""

from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from accounts.access import staff_required
from chat import selectors as chat_selectors
from common.inputs import EARLIEST_DATETIME, LATEST_DATETIME
from pnl import selectors, services
from pnl.cards import breakdown_card
from pnl.models import Position
from pnl.presenters import STEP_LIMIT_JSON, STEP_LIMIT_JSON_MAX, STEP_LIMIT_PAGE, breakdown_dict
from tickets import services as tickets_services
from tickets.models import CustomerAccess

What = CustomerAccess.What

POSITIONS_SHOWN = 10


def _customer_or_404(request, customer_id: int, ref: str = ""):
    """The customer, whose P&L this staff member is about to read: recorded in the access log (docs/SECURITY.md)."""
    customer = selectors.customer_by_id(customer_id)
    if customer is None:
        raise Http404
    tickets_services.customer_access(staff=request.user, customer_id=customer.pk, what=What.PNL, ref=ref)
    return customer


def _position_or_404(position_id: int) -> Position:
    position = Position.objects.select_related("customer").filter(pk=position_id).first()
    if position is None:
        raise Http404
    return position


def _when(text: str | None, name: str):
    """An ISO date-time from the query string (UTC when no zone is given); None when absent."""
    if not text:
        return None
    try:
        value = parse_datetime(text) or parse_datetime(f"{text}T00:00:00")
    except ValueError:  # the right shape, but no such day or hour (2026-02-30)
        value = None
    if value is None:
        raise ValueError(f"{name} is not a date-time like 2026-03-01T09:00")
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST_DATETIME <= value < LATEST_DATETIME:  # also keeps "+ a day" and time zones from overflowing
        raise ValueError(f"{name} must be from 1970 to 2099")
    return value


def _range_breakdown(request, customer):
    """The market + time range asked for in the query string, if any: (breakdown, error)."""
    market = request.GET.get("market", "").strip().upper()
    if not market:
        return None, ""
    try:
        start, end = _when(request.GET.get("start"), "start"), _when(request.GET.get("end"), "end")
        reported = _amount(request.GET.get("reported"))
    except ValueError as exc:
        return None, str(exc)
    breakdown = selectors.market_breakdown(customer=customer, market=market, start=start, end=end, reported=reported)
    return breakdown, ""


def _amount(text: str | None) -> Decimal | None:
    """The figure the customer sees on their P&L tab, as they read it out ("14", "-3.5", "1,234.50")."""
    text = (text or "").strip().replace(",", "").replace("\u2212", "-")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("the figure the customer sees must be a number, like 14.00") from None
    if not value.is_finite():
        raise ValueError("the figure the customer sees must be a number, like 14.00")
    return value


def _entry(position: Position, breakdown, language: str) -> dict:
    _, card = breakdown_card(breakdown, position=position, language=language)
    return {"position": position, "b": breakdown, "steps": breakdown.steps[:STEP_LIMIT_PAGE], "card": card}


@staff_required
@require_GET
def customer_pnl(request, customer_id: int):
    customer = _customer_or_404(request, customer_id, "page")
    conversation = chat_selectors.open_conversation_for(customer)
    language = (conversation.locale if conversation else "") or customer.locale
    ranged, range_error = _range_breakdown(request, customer)
    positions = selectors.recent_positions(customer, POSITIONS_SHOWN)
    breakdowns = selectors.position_breakdowns(positions)
    return render(
        request,
        "pnl/customer.html",
        {
            "customer": customer,
            "conversation": conversation,
            "may_share": conversation is not None
            and (conversation.assignee_id == request.user.pk or request.user.is_supervisor),
            "entries": [_entry(p, breakdowns[p.pk], language) for p in positions],
            "ranged": ranged,
            "range_error": range_error,
            "range_steps": ranged.steps[:STEP_LIMIT_PAGE] if ranged else (),
            "query": request.GET,
            "step_limit": STEP_LIMIT_PAGE,
        },
    )


@staff_required
@require_POST
def position_share(request, position_id: int):
    position = _position_or_404(position_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        message = services.breakdown_share(agent=request.user, position_id=position.pk)
    except services.PnlError as exc:
        if wants_json:
            return JsonResponse({"error": exc.code, "detail": exc.detail}, status=409)
        messages.error(request, exc.detail)
    else:
        if wants_json:
            return JsonResponse({"message_id": message.pk, "conversation": message.conversation_id, "seq": message.seq})
        messages.success(request, "Shared into the customer's chat.")
    return redirect("pnl_customer", customer_id=position.customer_id)


def _page_of_steps(request) -> dict:
    """?offset=&limit= for the steps (bad values fall back to the first page rather than failing)."""
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
        limit = min(STEP_LIMIT_JSON_MAX, max(1, int(request.GET.get("limit", STEP_LIMIT_JSON))))
    except ValueError:
        offset, limit = 0, STEP_LIMIT_JSON
    return {"offset": offset, "limit": limit}


@staff_required
@require_GET
def position_breakdown_json(request, position_id: int):
    position = _position_or_404(position_id)
    tickets_services.customer_access(
        staff=request.user, customer_id=position.customer_id, what=What.PNL, ref=f"position {position.pk}"
    )
    breakdown = selectors.position_breakdown(position)
    return JsonResponse(breakdown_dict(breakdown, position=position, **_page_of_steps(request)))


@staff_required
@require_GET
def customer_breakdown_json(request, customer_id: int):
    """?market=BTCUSDT&start=…&end=…: a market over a time range; without market, the recent positions."""
    customer = _customer_or_404(request, customer_id, "breakdown.json")
    ranged, error = _range_breakdown(request, customer)
    if error:
        return JsonResponse({"error": "bad_range", "detail": error}, status=400)
    if ranged is not None:
        return JsonResponse(breakdown_dict(ranged, **_page_of_steps(request)))
    positions = selectors.recent_positions(customer, POSITIONS_SHOWN)
    breakdowns = selectors.position_breakdowns(positions)
    return JsonResponse({"positions": [breakdown_dict(breakdowns[p.pk], position=p) for p in positions]})
