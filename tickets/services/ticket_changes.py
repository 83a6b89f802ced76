"""Tickets: creation and every change (status, priority, subject, tags, assignee, notes, linked chats), each
writing exactly one timeline event with who, when and old → new. Nothing here runs on a timer."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from common.safety.secrets import redact  # pure text functions (common/safety: no app of ours)
from tickets.models import Customer, Tag, Ticket, TimelineEvent
from tickets.services.errors import TicketError
from tickets.services.timeline import event_record

UNSET = object()


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    actor: User | None = None,
    actor_role: str | None = None,
    priority: str = Ticket.Priority.NORMAL,
    tags: list[str] | None = None,
) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise TicketError(f"priority must be one of {', '.join(Ticket.Priority.values)}")
    if customer.is_vip and priority == Ticket.Priority.NORMAL:
        priority = Ticket.Priority.HIGH
    # The exchange may send a customer's own words as the subject: a wallet secret in them is never stored.
    subject = redact(subject).body
    ticket = Ticket.objects.create(customer=customer, subject=subject[:200] or "Chat", priority=priority)
    event_record(
        ticket=ticket,
        kind="ticket.created",
        actor=actor,
        actor_role=actor_role,
        data={"subject": ticket.subject, "priority": ticket.priority},
    )
    if tags:
        ticket_tags_set(ticket=ticket, tags=tags, actor=actor, actor_role=actor_role)
    return ticket


def ticket_touch(*, ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def ticket_assign_if_unassigned(*, ticket: Ticket, agent: User) -> None:
    """The agent who accepts a ticket's first chat becomes its assignee, unless someone already is."""
    if Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
        assignee=agent, status=Ticket.Status.OPEN, updated_at=timezone.now()
    ):
        event_record(
            ticket=ticket,
            kind="ticket.assigned",
            actor=agent,
            data={"from": None, "to": agent.display_name, "to_id": agent.pk},
        )


def ticket_follow_chat(*, ticket: Ticket, previous: User | None, to: User, actor: User) -> None:
    """A chat handed on takes its ticket along when the ticket was with the one handing it (or with nobody): the
    agent who now holds the chat sees themselves as the ticket's assignee. A ticket someone else holds stays."""
    holders = Q(assignee__isnull=True) | (Q(assignee=previous) if previous else Q(pk__in=[]))
    if Ticket.objects.filter(holders, pk=ticket.pk).update(assignee=to, updated_at=timezone.now()):
        data = {"from": previous.display_name if previous else None, "from_id": previous.pk if previous else None}
        event_record(
            ticket=ticket, kind="ticket.assigned", actor=actor, data={**data, "to": to.display_name, "to_id": to.pk}
        )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("assignee", "customer").get(pk=ticket.pk)


def _changed(ticket: Ticket, field: str, value) -> None:
    setattr(ticket, field, value)
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[field, "updated_at"])


@transaction.atomic
def ticket_status_set(*, ticket: Ticket, status: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    """Move a ticket to another status. A closed ticket is reopened only by a supervisor (or the API)."""
    if status not in Ticket.Status.values:
        raise TicketError(f"status must be one of {', '.join(Ticket.Status.values)}")
    locked = _locked(ticket)
    old = locked.status
    if old == status:
        return locked
    if old == Ticket.Status.CLOSED and actor is not None and not actor.is_supervisor:
        raise TicketError("a closed ticket can only be reopened by a supervisor", code="forbidden")
    _changed(locked, "status", status)
    event_record(
        ticket=locked, kind="ticket.status", actor=actor, actor_role=actor_role, data={"from": old, "to": status}
    )
    return locked


@transaction.atomic
def ticket_priority_set(*, ticket: Ticket, priority: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise TicketError(f"priority must be one of {', '.join(Ticket.Priority.values)}")
    locked = _locked(ticket)
    old = locked.priority
    if old != priority:
        _changed(locked, "priority", priority)
        event_record(
            ticket=locked,
            kind="ticket.priority",
            actor=actor,
            actor_role=actor_role,
            data={"from": old, "to": priority},
        )
    return locked


@transaction.atomic
def ticket_subject_set(*, ticket: Ticket, subject: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    subject = redact((subject or "").strip()).body[:200]
    if not subject:
        raise TicketError("a ticket needs a subject")
    locked = _locked(ticket)
    old = locked.subject
    if old != subject:
        _changed(locked, "subject", subject)
        event_record(
            ticket=locked, kind="ticket.subject", actor=actor, actor_role=actor_role, data={"from": old, "to": subject}
        )
    return locked


def tag_names_parse(raw: str | list[str]) -> list[str]:
    """'VIP, wrong chain' → ['vip', 'wrong-chain']: tags are slugs, unique, sorted."""
    from django.utils.text import slugify

    items = raw.split(",") if isinstance(raw, str) else list(raw)
    names = {slugify(str(item))[:50] for item in items}
    return sorted(name for name in names if name)


@transaction.atomic
def ticket_tags_set(*, ticket: Ticket, tags: list[str], actor: User | None, actor_role: str | None = None) -> Ticket:
    """Replace the ticket's tags; one event lists what was added and removed."""
    locked = _locked(ticket)
    new = tag_names_parse(tags)
    old = sorted(locked.tags.values_list("name", flat=True))
    if old == new:
        return locked
    locked.tags.set([Tag.objects.get_or_create(name=name)[0] for name in new])
    _changed(locked, "updated_at", timezone.now())
    data = {
        "from": old,
        "to": new,
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
    }
    event_record(ticket=locked, kind="ticket.tags", actor=actor, actor_role=actor_role, data=data)
    return locked


@transaction.atomic
def ticket_assignee_set(
    *, ticket: Ticket, assignee: User | None, actor: User | None, actor_role: str | None = None
) -> Ticket:
    """Give the ticket to someone (or no one). Agents take or let go of tickets themselves; supervisors
    (and the exchange's backend) may hand them to anyone."""
    if assignee is not None and not assignee.is_agent:
        raise TicketError("tickets can only be assigned to active staff")
    locked = _locked(ticket)
    old = locked.assignee
    if (old.pk if old else None) == (assignee.pk if assignee else None):
        return locked
    if actor is not None and not actor.is_supervisor:
        touches_others = (assignee is not None and assignee.pk != actor.pk) or (old is not None and old.pk != actor.pk)
        if touches_others:
            raise TicketError("only a supervisor can hand a ticket to someone else", code="forbidden")
    _changed(locked, "assignee", assignee)
    data = {
        "from": old.display_name if old else None,
        "from_id": old.pk if old else None,
        "to": assignee.display_name if assignee else None,
        "to_id": assignee.pk if assignee else None,
    }
    kind = "ticket.assigned" if assignee else "ticket.unassigned"
    event_record(ticket=locked, kind=kind, actor=actor, actor_role=actor_role, data=data)
    return locked


@transaction.atomic
def ticket_note_add(*, ticket: Ticket, body: str, actor: User) -> TimelineEvent:
    """An internal note on the ticket: staff only, never sent to the customer or to webhooks."""
    body = (body or "").strip()
    if not body:
        raise TicketError("a note needs some text")
    if len(body) > 8000:
        raise TicketError("a note may hold at most 8000 characters")
    locked = _locked(ticket)
    _changed(locked, "updated_at", timezone.now())
    return event_record(ticket=locked, kind="ticket.note", actor=actor, data={"body": body})


def ticket_conversation_moved(
    *, conversation_id: int, from_ticket_id: int, to_ticket: Ticket, actor: User | None
) -> Ticket:
    """Both tickets' timelines say that a chat moved from one to the other. The chat app moves the chat
    (chat.services.conversation_ticket_move) and calls this in the same transaction."""
    old_ticket = _locked(Ticket(pk=from_ticket_id))
    event_record(
        ticket=old_ticket,
        kind="chat.unlinked",
        actor=actor,
        conversation_id=conversation_id,
        data={"to_ticket": to_ticket.pk},
    )
    locked = _locked(to_ticket)
    _changed(locked, "updated_at", timezone.now())
    event_record(
        ticket=locked,
        kind="chat.linked",
        actor=actor,
        conversation_id=conversation_id,
        data={"from_ticket": from_ticket_id},
    )
    return locked


def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    actor_role: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    tags: list[str] | None = None,
    subject: str | None = None,
    assignee=UNSET,
) -> Ticket:
    """Several changes at once (a form, the sidebar, the API), all or nothing; one event per field changed."""
    with transaction.atomic():
        common = {"ticket": ticket, "actor": actor, "actor_role": actor_role}
        if subject is not None:
            ticket = ticket_subject_set(subject=subject, **common)
        if status is not None:
            ticket = ticket_status_set(status=status, **common)
        if priority is not None:
            ticket = ticket_priority_set(priority=priority, **common)
        if tags is not None:
            ticket = ticket_tags_set(tags=tags, **common)
        if assignee is not UNSET:
            ticket = ticket_assignee_set(assignee=assignee, **common)
    return ticket
