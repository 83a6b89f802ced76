"""The only place that writes tickets, customers and timeline events."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tickets.models import Customer, DepositAddress, Ticket, TimelineEvent

CUSTOMER_FIELDS = ("name", "email", "locale", "vip")


def customer_upsert(*, external_id: str, **fields) -> Customer:
    """Create the customer or refresh what the exchange tells us (blank values never erase known ones)."""
    external_id = str(external_id).strip()
    if not external_id:
        raise ValueError("a customer needs the exchange's user id")
    values = {key: str(fields[key])[:200] for key in CUSTOMER_FIELDS if fields.get(key) not in (None, "")}
    customer, created = Customer.objects.get_or_create(external_id=external_id, defaults=values)
    changed = {key: value for key, value in values.items() if getattr(customer, key) != value}
    if not created and changed:
        for key, value in changed.items():
            setattr(customer, key, value)
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


def actor_role_of(user: User | None) -> str:
    if user is None:
        return TimelineEvent.ActorRole.SYSTEM
    return TimelineEvent.ActorRole.SUPERVISOR if user.is_supervisor else TimelineEvent.ActorRole.AGENT


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    actor_role: str | None = None,
    conversation_id: int | None = None,
    data: dict | None = None,
) -> TimelineEvent:
    """Append one row to the timeline. Callers run inside their own transaction."""
    return TimelineEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_role=actor_role or actor_role_of(actor),
        conversation_id=conversation_id,
        data=data or {},
    )


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    actor: User | None = None,
    actor_role: str | None = None,
    priority: str = Ticket.Priority.NORMAL,
) -> Ticket:
    if customer.is_vip and priority == Ticket.Priority.NORMAL:
        priority = Ticket.Priority.HIGH
    ticket = Ticket.objects.create(customer=customer, subject=subject[:200] or "Chat", priority=priority)
    event_record(
        ticket=ticket,
        kind="ticket.created",
        actor=actor,
        actor_role=actor_role,
        data={"subject": ticket.subject, "priority": ticket.priority},
    )
    return ticket


def ticket_touch(*, ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def ticket_assign_if_unassigned(*, ticket: Ticket, agent: User) -> None:
    """The agent who accepts a ticket's first chat becomes its assignee, unless someone already is."""
    if Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
        assignee=agent, status=Ticket.Status.OPEN, updated_at=timezone.now()
    ):
        event_record(ticket=ticket, kind="ticket.assigned", actor=agent, data={"to": agent.display_name})


def deposit_address_upsert(*, customer: Customer, chain: str, address: str, memo: str = "") -> DepositAddress:
    """Record that `address` (+ memo) on `chain` belongs to `customer`. EVM addresses are stored lower-case."""
    chain, address, memo = chain.strip(), address.strip(), (memo or "").strip()
    if not chain or not address:
        raise ValueError("a deposit address needs a chain and an address")
    if address.startswith("0x"):
        address = address.lower()
    found, created = DepositAddress.objects.get_or_create(
        chain=chain, address=address, memo=memo, defaults={"customer": customer}
    )
    if not created and found.customer_id != customer.pk:
        raise ValueError(f"{chain}:{address} already belongs to another customer")
    return found
