"""Nudges sent through the channel layer after a commit. Losing one loses nothing: sockets fill any gap
from the database (chat.consumers) and clients resume after the last seq they saw."""

import asyncio
import logging
import os

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from chat import selectors
from chat.frames import Audience, conversation_frame, message_frame
from chat.models import Conversation, Message

log = logging.getLogger(__name__)

AGENTS = "chat.agents"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conv.{conversation_id}"


def customer_group(customer_id: int) -> str:
    return f"chat.customer.{customer_id}"


def agent_group(agent_id: int) -> str:
    return f"chat.agent.{agent_id}"


def send(group: str, event: dict) -> None:
    """Hand the nudge to the channel layer. Called after a commit, usually on a database thread of a socket.

    There, waiting for Redis would hold the database thread (measured: most of its time under load), so the send is
    scheduled on the server's own event loop and not awaited; order does not matter, since sockets put messages in
    seq order and fill gaps from the database. Elsewhere (a Celery task, a management command) it simply waits.
    """
    loop = _calling_event_loop()
    if loop is not None:
        future = asyncio.run_coroutine_threadsafe(get_channel_layer().group_send(group, event), loop)
        future.add_done_callback(lambda done: _log_failure(done, group))
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        # The write is committed; a client that misses this nudge resumes from the database.
        log.exception("channel layer send to %s failed", group)


def _calling_event_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop that called this thread through sync_to_async, if there is one."""
    if SyncToAsync.threadlocal.__dict__.get("main_event_loop_pid") != os.getpid():
        return None
    loop = SyncToAsync.threadlocal.__dict__.get("main_event_loop")
    if loop is None or not loop.is_running() or loop.is_closed():
        return None
    try:
        asyncio.get_running_loop()
        return None  # this thread runs a loop itself: not a sync_to_async worker thread
    except RuntimeError:
        return loop


def _log_failure(done, group: str) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.error("channel layer send to %s failed: %r", group, done.exception())


def message_stored(message: Message, *, customer_id: int, waiting: bool) -> None:
    conversation_id = message.conversation_id
    send(conversation_group(conversation_id), {"type": "chat.message", "frame": message_frame(message, Audience.STAFF)})
    if message.is_public:
        send(customer_group(customer_id), {"type": "chat.message", "frame": message_frame(message, Audience.CUSTOMER)})
    if waiting and message.author_role == Message.AuthorRole.CUSTOMER:
        queue_changed()  # the queue shows the customer's latest words


def queue_changed() -> None:
    send(AGENTS, {"type": "chat.queue", "frame": selectors.queue_frame()})


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


def frame_to_conversation(conversation_id: int, frame: dict, *, customer: bool) -> None:
    """Push an ephemeral frame (not a stored message) to the conversation's staff and, if `customer`, its
    customer. Used for progress the user watches live; the stored state stays readable over HTTP."""
    send(conversation_group(conversation_id), {"type": "chat.frame", "frame": frame})
    if customer:
        customer_id = Conversation.objects.values_list("customer_id", flat=True).get(pk=conversation_id)
        send(customer_group(customer_id), {"type": "chat.frame", "frame": frame})
