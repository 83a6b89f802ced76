"""Nudges sent through the channel layer after a commit. Losing one loses nothing: sockets fill any gap
from the database (chat.consumers) and clients resume after the last seq they saw."""

import logging
from contextlib import asynccontextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat import selectors, waiting
from chat.frames import Audience, conversation_frame, message_frame
from chat.models import Conversation, Message
from chat.per_loop import Coalesced, PerLoop

log = logging.getLogger(__name__)

AGENTS = "chat.agents"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conv.{conversation_id}"


def customer_group(customer_id: int) -> str:
    return f"chat.customer.{customer_id}"


def agent_group(agent_id: int) -> str:
    return f"chat.agent.{agent_id}"


# Set by a websocket consumer around its database call (chat.consumers.db): the nudges committed there are
# collected and sent from the event loop once the call returns, instead of holding a database thread while the
# loop sends them (docs/BENCHMARKS.md). Elsewhere (HTTP views, Celery tasks) they are sent at once.
outbox: ContextVar[list | None] = ContextVar("chat_broadcast_outbox", default=None)


def send(group: str, event: dict) -> None:
    """Hand the nudge to the channel layer and wait for it (back-pressure: an overloaded server slows its acks
    rather than queueing sends without end — measured better at 1,000 chats than fire-and-forget, see
    docs/BENCHMARKS.md)."""
    collecting = outbox.get()
    if collecting is not None:
        collecting.append((group, event))
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        # The write is committed; a client that misses this nudge resumes from the database.
        log.exception("channel layer send to %s failed", group)


@asynccontextmanager
async def deferred():
    """Collect the nudges committed inside the block (also on database threads it calls) and send them from the
    event loop when it ends, whatever the outcome: what was committed is announced."""
    sends: list = []
    token = outbox.set(sends)
    try:
        yield
    finally:
        outbox.reset(token)
        await flush(sends)


async def flush(sends: list[tuple[str, dict]]) -> None:
    """Send collected nudges in the order they were committed (from the event loop, awaited: back-pressure)."""
    layer = get_channel_layer()
    for group, event in sends:
        if event is QUEUE_REFRESH:
            _refresh_queue()
            continue
        try:
            await layer.group_send(group, event)
        except Exception:
            log.exception("channel layer send to %s failed", group)


def message_stored(message: Message, *, customer_id: int, waiting: bool) -> None:
    conversation_id = message.conversation_id
    staff = {"type": "chat.message", "frame": message_frame(message, Audience.STAFF)}
    if message.renders:
        staff["renders"] = message.renders  # each staff socket picks its reader's language (chat.frames.for_reader)
    send(conversation_group(conversation_id), staff)
    if message.is_public:
        send(customer_group(customer_id), {"type": "chat.message", "frame": message_frame(message, Audience.CUSTOMER)})
    if waiting and message.author_role == Message.AuthorRole.CUSTOMER:
        queue_changed()  # the queue shows the customer's latest words


QUEUE_REFRESH = {"type": "chat.queue"}  # in an outbox: "the queue changed", rebuilt when it is flushed
QUEUE_REFRESH_GAP_S = 0.25


def queue_changed() -> None:
    """Every agent's queue shows the new state. Rebuilding it is ~15 ms of Python (docs/BENCHMARKS.md, Inbox): on a
    socket's path it is coalesced (see _refresh_queue); elsewhere (HTTP, Celery) it is sent at once."""
    collecting = outbox.get()
    if collecting is not None:
        collecting.append((AGENTS, QUEUE_REFRESH))
        return
    send(AGENTS, {"type": "chat.queue", "frame": selectors.queue_frame()})


async def _send_queue() -> None:
    """Rebuild the queue and send it to every agent. Coalesced per event loop (_queue_refreshes): in a surge
    (hundreds of waiting customers writing at once, each message changing the queue's preview) the rebuilds stay at
    a few a second instead of one per message."""
    frame = await database_sync_to_async(selectors.queue_frame, thread_sensitive=False)()
    await get_channel_layer().group_send(AGENTS, {"type": "chat.queue", "frame": frame})


_queue_refreshes = PerLoop(lambda: Coalesced(_send_queue, gap=QUEUE_REFRESH_GAP_S, name="queue refresh"))


def _refresh_queue() -> None:
    _queue_refreshes.get().request()


def conversation_changed(conversation_id: int) -> None:
    conversation = Conversation.objects.select_related("customer", "assignee").get(pk=conversation_id)
    staff = conversation_frame(conversation, Audience.STAFF)
    send(AGENTS, {"type": "chat.conversation", "frame": staff})
    send(conversation_group(conversation_id), {"type": "chat.conversation", "frame": staff})
    send(
        customer_group(conversation.customer_id),
        {"type": "chat.conversation", "frame": conversation_frame(conversation, Audience.CUSTOMER)},
    )


def assignment_changed(conversation_id: int, previous_agent_id: int | None) -> None:
    conversation_changed(conversation_id)
    queue_changed()
    waiting_changed()


def waiting_changed() -> None:
    """A waiting customer's place or the agents online may have moved: one nudge per process (chat.waiting)."""
    send(waiting.GROUP, {"type": "waiting.changed"})


def read_changed(conversation_id: int, seq: int, *, by_customer: bool) -> None:
    """Tell the other side how far this side has read (in the other side's numbering)."""
    conversation = Conversation.objects.only("customer_id").get(pk=conversation_id)
    if by_customer:
        send(
            conversation_group(conversation_id),
            {"type": "chat.read", "conversation": conversation_id, "seq": seq, "side": "customer"},
        )
    else:
        public_seq = selectors.agent_read_seq(conversation_id)
        send(
            customer_group(conversation.customer_id),
            {"type": "chat.read", "conversation": conversation_id, "seq": public_seq, "side": "agent"},
        )
        send(
            conversation_group(conversation_id),
            {"type": "chat.read", "conversation": conversation_id, "seq": seq, "side": "agent"},
        )


def offered(conversation_id: int, agent_id: int) -> None:
    send(agent_group(agent_id), {"type": "chat.offer", "conversation": conversation_id})
    queue_changed()


def frame_to_conversation(conversation_id: int, frame: dict, *, customer: bool, renders: dict | None = None) -> None:
    """Push an ephemeral frame (not a stored message) to the conversation's staff and, if `customer`, its
    customer. Used for progress the user watches live; the stored state stays readable over HTTP. `frame` is as
    the customer reads it; `renders` ({lang: {field: value}}) as staff in another language read it."""
    staff = {"type": "chat.frame", "frame": frame}
    if renders:
        staff["renders"] = renders
    send(conversation_group(conversation_id), staff)
    if customer:
        customer_id = Conversation.objects.values_list("customer_id", flat=True).get(pk=conversation_id)
        send(customer_group(customer_id), {"type": "chat.frame", "frame": frame})
