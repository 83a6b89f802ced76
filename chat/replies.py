"""The customer who left: an agent's reply that waits unread while the customer has no socket open becomes the
webhook event `chat.reply_waiting`, so the exchange can reach them (a push, an e-mail). docs/api.md.

- Due HELPDESK_REPLY_WAITING_SECONDS after the later of the first unannounced unread reply and the moment the
  customer's last socket closed; never while a socket is open (chat.customer_presence).
- Once per batch: an event covers the replies unread up to its `up_to_seq`; only replies after that make another.
- It only tells. It records one timeline event (which carries the webhook) and changes nothing else: not the
  conversation's status or assignee, not the ticket (docs/chat.md, "no timer ever closes a chat").

Checks run as Celery tasks with a countdown (chat.tasks.reply_waiting_check), scheduled when an agent replies and
when a customer with an unread reply closes their last socket; a check that comes too early asks to run again.
"""

import contextlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat import customer_presence, tasks
from chat.models import Conversation, Message, ReadState
from common.cache import shared as cache
from tickets import services as tickets_services
from tickets.models import TimelineEvent

log = logging.getLogger(__name__)

KIND = "chat.reply_waiting"
TEXTS_LIMIT = 20  # the words of at most this many replies go to an endpoint that opted in


def _pending_key(conversation_id: int) -> str:
    return f"chat:reply-check:{conversation_id}"


def check_soon(conversation_id: int, delay: float | None = None) -> None:
    """Make sure a check runs for this conversation within `delay` seconds (default: the waiting time). One pending
    check per conversation is enough: a second is queued only when it must run earlier than the pending one."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no worker (the embedded demo): a countdown cannot wait, so this feature needs one
    delay = settings.REPLY_WAITING_SECONDS if delay is None else max(delay, 0.0)
    due = time.time() + delay
    try:
        pending = cache.get(_pending_key(conversation_id))
        if pending is not None and pending <= due + 1:
            return
        cache.set(_pending_key(conversation_id), due, timeout=int(delay) + 600)
        tasks.reply_waiting_check.apply_async(args=[conversation_id], countdown=delay)
    except Exception:  # Redis (cache or broker) is down: the reply is stored; the next reply or departure asks again
        with contextlib.suppress(Exception):
            cache.delete(_pending_key(conversation_id))
        log.exception("could not schedule the reply-waiting check of conversation %s", conversation_id)


@dataclass(frozen=True)
class Waiting:
    """Agents' replies the customer has not read, and those of them no event has announced yet."""

    conversation: Conversation
    unread: list[Message]
    unannounced: list[Message]


def _waiting_replies(conversation_id: int) -> Waiting | None:
    conversation = Conversation.objects.select_related("customer").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    read = ReadState.objects.filter(conversation_id=conversation_id, agent__isnull=True).first()
    unread = list(
        Message.objects.filter(
            conversation_id=conversation_id,
            author_role=Message.AuthorRole.AGENT,
            kind=Message.Kind.TEXT,
            seq__gt=read.last_read_seq if read else 0,
        ).order_by("seq")
    )
    announced = _announced_up_to(conversation)
    return Waiting(conversation, unread, [m for m in unread if m.seq > announced])


def _announced_up_to(conversation: Conversation) -> int:
    seqs = TimelineEvent.objects.filter(
        ticket_id=conversation.ticket_id, conversation_id=conversation.pk, kind=KIND
    ).values_list("data__up_to_seq", flat=True)
    return max((seq for seq in seqs if isinstance(seq, int)), default=0)


def reply_waiting_check(conversation_id: int) -> tuple[str, float | None]:
    """Announce the replies waiting for a customer who is away, if they are due. Returns the outcome and, when the
    check came too early, in how many seconds to check again."""
    cache.delete(_pending_key(conversation_id))  # first: a reply stored from now on schedules its own check
    found = _waiting_replies(conversation_id)
    if found is None or not found.unannounced:
        return "nothing", None
    customer_id = found.conversation.customer_id
    if customer_presence.is_connected(customer_id):
        # Their socket will say when it closes; until then look again now and then (a dead server's sockets
        # stay counted for a minute).
        return "connected", float(customer_presence.TTL_SECONDS)
    since = max(found.unannounced[0].created_at.timestamp(), customer_presence.left_at(customer_id) or 0.0)
    wait = since + settings.REPLY_WAITING_SECONDS - time.time()
    if wait > 0:
        return "later", wait
    return ("sent" if _announce(conversation_id) else "already"), None


def _announce(conversation_id: int) -> bool:
    """Record the event (its webhook deliveries go after the commit), once per batch of unread replies."""
    with transaction.atomic():
        # Two checks at once: the second waits here, then sees the first one's event and stops.
        conversation = Conversation.objects.select_for_update().select_related("ticket").get(pk=conversation_id)
        found = _waiting_replies(conversation_id)
        if not found.unannounced:
            return False
        last = found.unread[-1]
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind=KIND,
            conversation_id=conversation.pk,
            data={
                "customer": found.conversation.customer.external_id,
                "unread": len(found.unread),
                "up_to_seq": last.seq,
                "waiting_since": found.unannounced[0].created_at.isoformat(),
            },
            webhook_text={"messages": [_words(m) for m in found.unread[-TEXTS_LIMIT:]]},
        )
    return True


def _words(message: Message) -> dict:
    return {
        "seq": message.seq,
        "author": message.author_name,
        "body": message.body,
        "created_at": timezone.localtime(message.created_at).isoformat(),
    }
