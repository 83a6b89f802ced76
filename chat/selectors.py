"""Reads shared by sockets, pages and the API. Query counts do not grow with the number of rows shown."""

import json

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Presence, Role, User
from chat.models import Conversation, Message, ReadState
from tickets.models import Customer, Ticket

# The queue frame carries one page: 40 entries of at most ~1.3 KB each (an 80-character name, a 140-character preview,
# 4 bytes a character at worst) stay far below the 64 KB cap that queue_frame enforces in any case.
QUEUE_PAGE = 40
QUEUE_NAME_CHARS = 80
QUEUE_FRAME_MAX_BYTES = 64 * 1024
QUEUE_ORDER = ("queue_priority", "created_at", "pk")


def open_conversation_for(customer: Customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer).exclude(status=Conversation.Status.ENDED).first()


def latest_conversation_for(customer: Customer) -> Conversation | None:
    """The open conversation, else the most recent one (so an ended chat still shows its history)."""
    return open_conversation_for(customer) or Conversation.objects.filter(customer=customer).order_by("-pk").first()


def customer_messages(conversation_id: int) -> QuerySet[Message]:
    """What a customer may ever read of a conversation: every message but the internal notes (docs/chat.md, notes
    never leak). The one place this rule is written: the socket's replay, the customer's attachment links and the
    API transcript all read through here. (A note has no customer `seq`: both conditions say the same.)"""
    return Message.objects.filter(conversation_id=conversation_id, seq__isnull=False).exclude(kind=Message.Kind.NOTE)


def messages_after(conversation_id: int, after_seq: int, *, staff: bool, limit: int | None = None) -> list[Message]:
    """Everything after `after_seq` in the viewer's numbering, in order. Customers never get notes."""
    limit = limit or settings.CHAT_REPLAY_LIMIT
    if staff:
        qs = Message.objects.filter(conversation_id=conversation_id, staff_seq__gt=after_seq).order_by("staff_seq")
    else:
        qs = customer_messages(conversation_id).filter(seq__gt=after_seq).order_by("seq")
    return list(qs.prefetch_related("attachments")[:limit])  # their files in the frames (no query when none)


def _waiting() -> QuerySet[Conversation]:
    return Conversation.objects.filter(status=Conversation.Status.WAITING)


def queue(limit: int = QUEUE_PAGE, offset: int = 0) -> list[Conversation]:
    """A page of waiting conversations in queue order: VIP first, then the longest waiting (one index range)."""
    return list(_waiting().select_related("customer").order_by(*QUEUE_ORDER)[offset : offset + limit])


def queue_counts() -> dict[str, int]:
    """How many wait, and how many of them are VIP: one count over the queue's partial index."""
    return _waiting().aggregate(
        total=Count("pk"), vip=Count("pk", filter=Q(queue_priority=Conversation.QueuePriority.VIP))
    )


def queue_position(conversation_id: int) -> int | None:
    """A waiting conversation's place in line (1 = next), or None when it is not waiting: the number of waiting
    conversations ahead of it in queue order, counted on the queue's index (two small queries)."""
    row = _waiting().filter(pk=conversation_id).values("queue_priority", "created_at").first()
    if row is None:
        return None
    priority, since = row["queue_priority"], row["created_at"]
    ahead = _waiting().filter(
        Q(queue_priority__lt=priority)
        | Q(queue_priority=priority, created_at__lt=since)
        | Q(queue_priority=priority, created_at=since, pk__lt=conversation_id)
    )
    return ahead.count() + 1


def waiting_positions() -> dict[int, int]:
    """Every waiting conversation's place in the queue (1 = next), in the agents' queue order, in one read of the
    queue's index: what the `waiting` frame tells each customer (chat.waiting)."""
    ids = _waiting().order_by(*QUEUE_ORDER).values_list("pk", flat=True)
    return {conversation_id: position for position, conversation_id in enumerate(ids, 1)}


def agents_online() -> int:
    """Staff whose console presence is online (accounts.Presence), as auto-offer counts them."""
    return User.objects.filter(is_active=True, presence=Presence.ONLINE).count()


def queue_entry(conversation: Conversation) -> dict:
    customer = conversation.customer
    return {
        "id": conversation.pk,
        "customer": {
            "name": customer.display_name[:QUEUE_NAME_CHARS],
            "vip": customer.vip or None,
            "locale": conversation.locale or customer.locale or None,
        },
        "waiting_since": conversation.created_at.isoformat(),
        "preview": conversation.preview,
        "offered_to": conversation.offered_to_id,
    }


def queue_frame(offset: int = 0, limit: int = QUEUE_PAGE) -> dict:
    """One page of the queue and its counts (docs/protocol.md): bounded in size however many wait.

    `as_of` is taken before the reads, so every chat committed before that instant is counted in this frame."""
    as_of = timezone.now()
    counts = queue_counts()
    entries = [queue_entry(c) for c in queue(limit, offset)]
    frame = {"type": "queue", "total": counts["total"], "vip": counts["vip"], "offset": offset, "limit": limit}
    frame.update(as_of=as_of.isoformat(), conversations=entries)
    while entries and _frame_bytes(frame) > QUEUE_FRAME_MAX_BYTES:
        entries.pop()  # unusual text (escaped control characters) made the page too heavy: show fewer on it
    return frame


def _frame_bytes(frame: dict) -> int:
    return len(json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode())


def conversations_of(agent: User) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(assignee=agent, status=Conversation.Status.ACTIVE)
        .select_related("customer", "assignee")
        .order_by("accepted_at")
    )


def unread_counts(agent: User, conversation_ids: list[int]) -> dict[int, int]:
    """Messages from the customer after the agent's read mark, per conversation, in one query."""
    reads = dict(
        ReadState.objects.filter(agent=agent, conversation_id__in=conversation_ids).values_list(
            "conversation_id", "last_read_seq"
        )
    )
    counts: dict[int, int] = dict.fromkeys(conversation_ids, 0)
    if not conversation_ids:
        return counts
    condition = Q()
    for conversation_id in conversation_ids:
        condition |= Q(conversation_id=conversation_id, staff_seq__gt=reads.get(conversation_id, 0))
    rows = (
        Message.objects.filter(condition, author_role=Message.AuthorRole.CUSTOMER)
        .values("conversation_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["conversation_id"]] = row["n"]
    return counts


def customer_read_seq(conversation_id: int) -> int:
    state = ReadState.objects.filter(conversation_id=conversation_id, agent__isnull=True).first()
    return state.last_read_seq if state else 0


def agent_read_seq(conversation_id: int) -> int:
    """The furthest any agent has read, translated to nothing the customer could misuse (just a number)."""
    states = ReadState.objects.filter(conversation_id=conversation_id, agent__isnull=False)
    staff_seq = max((s.last_read_seq for s in states), default=0)
    last = (
        Message.objects.filter(conversation_id=conversation_id, staff_seq__lte=staff_seq, seq__isnull=False)
        .order_by("-staff_seq")
        .values_list("seq", flat=True)
        .first()
    )
    return last or 0


def least_loaded_online_agent_id() -> int | None:
    """The online agent with the most room: load is the chats they hold plus the waiting chats offered to them, so in
    a surge offers spread over the agents and stop at their capacity instead of all going to one agent.

    Plain SQL (it runs for every new chat; the ORM's compiling of this query was a fifth of the surge's CPU)."""
    with connection.cursor() as cursor:
        cursor.execute(_LEAST_LOADED, [Conversation.Status.ACTIVE, Conversation.Status.WAITING, Presence.ONLINE])
        found = cursor.fetchone()
    return found[0] if found else None


_LEAST_LOADED = (
    "SELECT id FROM (SELECT u.id, u.capacity, "  # noqa: S608 - table names from the models, values as parameters
    f"(SELECT COUNT(*) FROM {Conversation._meta.db_table} c WHERE c.assignee_id = u.id AND c.status = %s) "
    f"+ (SELECT COUNT(*) FROM {Conversation._meta.db_table} c WHERE c.offered_to_id = u.id AND c.status = %s) AS load "
    f"FROM {User._meta.db_table} u WHERE u.is_active AND u.presence = %s) agents "
    "WHERE load < capacity ORDER BY load, id LIMIT 1"
)


def agents_for_transfer(exclude: User | None = None) -> list[dict]:
    """Who a chat can be handed to, as they are now: online, away or offline (no console heard from), and how many
    chats each holds. One query; read when the dialog opens, never at page load."""
    qs = (
        User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
        .annotate(chats=Count("conversations", filter=Q(conversations__status=Conversation.Status.ACTIVE)))
        .order_by("name", "email")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    now = timezone.now()
    return [{"id": u.pk, "name": u.display_name, "presence": u.presence_now(now), "chats": u.chats} for u in qs]


def conversations_of_ticket(ticket: Ticket) -> list[Conversation]:
    """The ticket's chats, oldest first (the ticket page)."""
    return list(Conversation.objects.filter(ticket=ticket).select_related("assignee").order_by("created_at"))


def conversation_ids_of_ticket(ticket: Ticket) -> list[int]:
    return list(Conversation.objects.filter(ticket=ticket).order_by("pk").values_list("pk", flat=True))


def other_conversations_of_customer(ticket: Ticket) -> list[Conversation]:
    """The customer's latest chats on other tickets: the ones the ticket page offers to link."""
    others = Conversation.objects.filter(customer_id=ticket.customer_id).exclude(ticket=ticket)
    return list(others.order_by("-created_at")[:10])
