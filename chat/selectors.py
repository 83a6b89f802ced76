"""Reads shared by sockets, pages and the API. Query counts do not grow with the number of rows shown."""

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from accounts.models import Presence, User
from chat.models import Conversation, Message, ReadState
from tickets.models import Customer

QUEUE_LIMIT = 200


def open_conversation_for(customer: Customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer).exclude(status=Conversation.Status.ENDED).first()


def latest_conversation_for(customer: Customer) -> Conversation | None:
    """The open conversation, else the most recent one (so an ended chat still shows its history)."""
    return open_conversation_for(customer) or Conversation.objects.filter(customer=customer).order_by("-pk").first()


def messages_after(conversation_id: int, after_seq: int, *, staff: bool, limit: int | None = None) -> list[Message]:
    """Everything after `after_seq` in the viewer's numbering, in order. Customers never get notes."""
    limit = limit or settings.CHAT_REPLAY_LIMIT
    qs = Message.objects.filter(conversation_id=conversation_id)
    if staff:
        qs = qs.filter(staff_seq__gt=after_seq).order_by("staff_seq")
    else:
        qs = qs.filter(seq__gt=after_seq).exclude(kind=Message.Kind.NOTE).order_by("seq")
    return list(qs.prefetch_related("attachments")[:limit])  # their files in the frames (no query when none)


def queue(limit: int = QUEUE_LIMIT) -> list[Conversation]:
    """Waiting conversations: VIP customers first, then the longest waiting."""
    waiting = (
        Conversation.objects.filter(status=Conversation.Status.WAITING)
        .select_related("customer")
        .order_by("created_at")[: limit * 2]
    )
    rows = list(waiting)
    rows.sort(key=lambda c: (0 if c.customer.vip else 1, c.created_at))
    return rows[:limit]


def waiting_positions() -> dict[int, int]:
    """Every waiting conversation's place in the queue (1 = next), in the queue's order (VIP first, then the
    longest waiting), in one query: what the `waiting` frame tells each customer (chat.waiting)."""
    vip_first = Case(When(customer__vip="", then=Value(1)), default=Value(0))
    order = [vip_first.asc(), F("created_at").asc(), F("pk").asc()]
    rows = (
        Conversation.objects.filter(status=Conversation.Status.WAITING)
        .annotate(position=Window(RowNumber(), order_by=order))
        .values_list("pk", "position")
    )
    return dict(rows)


def agents_online() -> int:
    """Staff whose console presence is online (accounts.Presence), as auto-offer counts them."""
    return User.objects.filter(is_active=True, presence=Presence.ONLINE).count()


def queue_frame(limit: int = QUEUE_LIMIT) -> dict:
    return {
        "type": "queue",
        "conversations": [
            {
                "id": c.pk,
                "customer": {
                    "name": c.customer.display_name,
                    "vip": c.customer.vip or None,
                    "locale": c.locale or c.customer.locale or None,
                },
                "waiting_since": c.created_at.isoformat(),
                "preview": c.preview,
                "offered_to": c.offered_to_id,
            }
            for c in queue(limit)
        ],
    }


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


def least_loaded_online_agent() -> User | None:
    candidates = (
        User.objects.filter(is_active=True, presence=Presence.ONLINE)
        .annotate(load=Count("conversations", filter=Q(conversations__status=Conversation.Status.ACTIVE)))
        .order_by("load", "pk")
    )
    for agent in candidates:
        if agent.load < agent.capacity:
            return agent
    return None


def agents_for_transfer(exclude: User | None = None) -> list[dict]:
    qs = User.objects.filter(is_active=True).order_by("name", "email")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return [{"id": u.pk, "name": u.display_name, "presence": u.presence} for u in qs]
