"""Agent pages: the ticket list, one ticket, the console sidebar fragment and canned replies. Thin: they parse,
authorise and call tickets.services; reads come from tickets.selectors."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_required
from accounts.models import User
from common.errors import Refusal
from common.inputs import id_from_text
from tickets import extensions, selectors, services
from tickets.models import CannedReply, Customer, CustomerAccess, Ticket

PAGE_SIZE = 25
What = CustomerAccess.What


def _named(model, raw: str | None):
    """The row a form names by its id; 404 for anything else ("abc", 10^30, -1), as for an id that is gone."""
    pk = id_from_text(raw or "")
    if pk is None:
        raise Http404
    return get_object_or_404(model, pk=pk)


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = selectors.ticket_for_page(ticket_id)
    if ticket is None:
        raise Http404
    return ticket


@staff_required
def ticket_list(request):
    filters = selectors.TicketFilters.from_query(request.GET)
    page = Paginator(selectors.tickets_filtered(filters, viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": Ticket.Status.choices,
            "priorities": Ticket.Priority.choices,
            "tags": selectors.all_tags(),
        },
    )


def _detail_context(request, ticket: Ticket) -> dict:
    return {
        "ticket": ticket,
        "events": selectors.timeline(ticket),
        "sections": extensions.ticket_sections(ticket),
        "context": selectors.customer_context(ticket.customer, exclude_ticket=ticket),
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "staff": User.objects.filter(is_active=True).order_by("name", "email"),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    if request.method == "POST":
        try:
            _apply_action(request, ticket)
        except Refusal as exc:  # ours, or a section's (a ChatError when linking a chat)
            messages.error(request, exc.detail)
        return redirect("ticket_detail", ticket_id=ticket.pk)
    services.customer_access(staff=request.user, customer_id=ticket.customer_id, what=What.TICKET, ticket_id=ticket.pk)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


def _apply_action(request, ticket: Ticket) -> None:
    action, data, user = request.POST.get("action"), request.POST, request.user
    if action == "update":
        _update_from_form(ticket, data, user)
    elif action == "note":
        services.ticket_note_add(ticket=ticket, body=data.get("body", ""), actor=user)
    elif action == "take":
        services.ticket_assignee_set(ticket=ticket, assignee=user, actor=user)
    elif handler := extensions.ticket_action(action):
        handler(request, ticket)  # a form of a section an app above added (tickets/extensions.py)
    else:
        raise services.TicketError("unknown action")


def _update_from_form(ticket: Ticket, data, user: User) -> None:
    changes = {
        "status": data.get("status") or None,
        "priority": data.get("priority") or None,
        "tags": services.tag_names_parse(data["tags"]) if "tags" in data else None,
    }
    if "assignee" in data:
        raw = data["assignee"]
        changes["assignee"] = _named(User, raw) if raw else None
    services.ticket_update(ticket=ticket, actor=user, **changes)


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_sidebar(request, ticket_id: int):
    """The console's ticket sidebar as an HTML fragment; a POST changes the ticket and re-renders it."""
    ticket = _ticket_or_404(ticket_id)
    error = ""
    if request.method == "POST":
        try:
            _update_from_form(ticket, request.POST, request.user)
        except services.TicketError as exc:
            error = exc.detail
        ticket = _ticket_or_404(ticket_id)
    services.customer_access(
        staff=request.user,
        customer_id=ticket.customer_id,
        what=What.PANEL,
        ticket_id=ticket.pk,
        conversation_id=_int_or_none(request.GET.get("conversation")),
    )
    context = {
        "ticket": ticket,
        "error": error,
        "events": selectors.timeline(ticket)[-5:],
        "context": selectors.customer_context(ticket.customer, exclude_ticket=ticket),
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
    }
    return render(request, "tickets/_sidebar.html", context, status=400 if error else 200)


def _int_or_none(text: str | None) -> int | None:
    try:
        number = int(text or "")
    except ValueError:
        return None
    return number if 0 < number < 2**62 else None


@staff_required
@require_POST
def customer_reveal(request, customer_id: int):
    """A customer's e-mail and phone, unmasked, for the agent holding their chat or ticket (or a supervisor); each
    reveal is recorded in the access log. Anyone else: 403, nothing recorded (docs/SECURITY.md)."""
    customer = get_object_or_404(Customer, pk=customer_id)
    if not (request.user.is_supervisor or selectors.handles_customer(request.user, customer.pk)):
        detail = _("Only the agent holding this customer's chat or ticket, or a supervisor, can reveal these.")
        return JsonResponse({"error": "not_yours", "detail": detail}, status=403)
    services.customer_access(
        staff=request.user,
        customer_id=customer.pk,
        what=What.REVEAL,
        ref="email, phone",
        conversation_id=_int_or_none(request.POST.get("conversation")),
        ticket_id=_int_or_none(request.POST.get("ticket")),
    )
    return JsonResponse({"email": customer.email, "phone": customer.phone})


@staff_required
def canned_search(request):
    replies = selectors.canned_replies_for(request.user, request.GET.get("q", "")[:100])
    return JsonResponse(
        {"replies": [{"id": r.pk, "title": r.title, "body": r.body, "shared": r.is_shared} for r in replies]}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def canned_replies(request):
    if request.method == "POST":
        try:
            _canned_action(request)
        except services.TicketError as exc:
            messages.error(request, exc.detail)
        return redirect("canned_replies")
    replies = selectors.canned_replies_for(request.user, request.GET.get("q", "")[:100], limit=200)
    for reply in replies:
        reply.editable = services.canned_reply_editable(reply=reply, user=request.user)
    return render(request, "tickets/replies.html", {"replies": replies, "q": request.GET.get("q", "")})


def _canned_action(request) -> None:
    data = request.POST
    if data.get("action") == "delete":
        reply = _named(CannedReply, data.get("reply"))
        services.canned_reply_delete(reply=reply, actor=request.user)
    elif data.get("action") == "save":
        services.canned_reply_save(
            actor=request.user, title=data.get("title", ""), body=data.get("body", ""), shared=data.get("shared") == "1"
        )
    else:
        raise services.TicketError("unknown action")
