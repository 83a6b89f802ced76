"""Reads shared by the ticket pages, the console sidebar and the API."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from common.inputs import id_from_text
from tickets import explorers
from tickets.models import AccountActivity, CannedReply, Customer, Ticket, TimelineEvent

RECENT_ACTIVITY = 10
EARLIER_TICKETS = 10


@dataclass(frozen=True)
class TicketFilters:
    mine: bool = False
    unassigned: bool = False
    status: str = ""
    priority: str = ""
    tag: str = ""
    vip: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "TicketFilters":
        status = params.get("status", "")
        priority = params.get("priority", "")
        return cls(
            mine=params.get("mine") == "1",
            unassigned=params.get("unassigned") == "1",
            status=status if status in Ticket.Status.values or status == "active" else "",
            priority=priority if priority in Ticket.Priority.values else "",
            tag=params.get("tag", "").strip()[:50],
            vip=params.get("vip") == "1",
            q=params.get("q", "").strip()[:100],
        )


def tickets_filtered(filters: TicketFilters, *, viewer: User) -> QuerySet[Ticket]:
    """Tickets for the list: three queries whatever the page size (rows, tags, count)."""
    qs = Ticket.objects.select_related("customer", "assignee").prefetch_related("tags")
    if filters.mine:
        qs = qs.filter(assignee=viewer)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if filters.status == "active":
        qs = qs.exclude(status__in=[Ticket.Status.SOLVED, Ticket.Status.CLOSED])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.vip:
        qs = qs.exclude(customer__vip="")
    if filters.q:
        query = Q(subject__icontains=filters.q) | Q(customer__name__icontains=filters.q)
        query |= Q(customer__external_id=filters.q)
        if (ticket_id := id_from_text(filters.q)) is not None:
            query |= Q(pk=ticket_id)
        qs = qs.filter(query)
    return qs.order_by("-updated_at", "-pk")


def ticket_for_page(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("customer", "assignee").prefetch_related("tags").filter(pk=ticket_id).first()


def timeline(ticket: Ticket) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id"))


@dataclass(frozen=True)
class ActivityRow:
    activity: AccountActivity
    tx_url: str


@dataclass(frozen=True)
class CustomerContext:
    customer: Customer
    activity: list[ActivityRow]
    addresses: dict[str, list]
    earlier_tickets: list[Ticket]


def customer_context(customer: Customer, *, exclude_ticket: Ticket | None = None) -> CustomerContext:
    """What an agent should see beside a chat without asking: tier, locale, money movements, addresses."""
    activity = [
        ActivityRow(row, explorers.tx_url(row.network, row.txid))
        for row in AccountActivity.objects.filter(customer=customer).order_by("-occurred_at")[:RECENT_ACTIVITY]
    ]
    addresses: dict[str, list] = {}
    for address in customer.deposit_addresses.order_by("chain", "address"):
        address.explorer_url = explorers.address_url(address.chain, address.address)
        addresses.setdefault(address.chain, []).append(address)
    earlier = Ticket.objects.filter(customer=customer).order_by("-created_at")
    if exclude_ticket is not None:
        earlier = earlier.exclude(pk=exclude_ticket.pk)
    return CustomerContext(customer, activity, addresses, list(earlier[:EARLIER_TICKETS]))


def handles_customer(user: User, customer_id: int) -> bool:
    """Whether one of this customer's chats or tickets is assigned to `user` (who may then reveal their contact
    details). One query."""
    # Each chat belongs to a ticket of the same customer: one join finds either.
    theirs = Q(assignee=user) | Q(conversations__assignee=user)
    return Ticket.objects.filter(theirs, customer_id=customer_id).exists()


def canned_replies_for(user: User, query: str = "", limit: int = 20) -> list[CannedReply]:
    """The viewer's own replies and the shared ones, matching the words typed."""
    qs = CannedReply.objects.filter(Q(owner=user) | Q(owner__isnull=True))
    for word in query.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return list(qs.order_by("owner_id", "title")[:limit])


def all_tags() -> list[str]:
    from tickets.models import Tag

    return list(Tag.objects.order_by("name").values_list("name", flat=True))
