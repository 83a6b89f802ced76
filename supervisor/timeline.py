"""A conversation's transcript: every message and every timeline event, merged in time order.

The page, the JSON export and the CSV export are all built from `transcript_entries`, so an export holds
exactly what the page shows.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import translation

from chat.models import Conversation, Message
from tickets import timeline_words
from tickets.models import TimelineEvent


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: str  # "message" or "event"
    kind: str  # message kind (text/note/system/card) or event kind (chat.transferred, recovery.*, ...)
    who: str
    role: str
    text: str
    ref: int  # the message's staff_seq or the event's id
    data: dict = field(default_factory=dict)
    customer_text: str = ""  # a helpdesk card or line as the customer read it, when the reader's language differs

    def as_export(self) -> dict:
        row = asdict(self)
        row["at"] = self.at.isoformat()
        return row


def _message_entry(message: Message, language: str) -> Entry:
    """A card or line the helpdesk wrote reads in the reader's language; `customer_text` keeps what the customer
    read, when it differs (chat.cards.posted)."""
    who = message.author.display_name if message.author else message.author_name
    data = {"seq": message.seq}
    if message.payload:
        data["payload"] = message.payload
    if files := list(message.attachments.all()):  # prefetched: no query per message
        data["attachments"] = [attachment_entry(attachment) for attachment in files]
    render = (message.renders or {}).get(language)
    return Entry(
        at=message.created_at,
        source="message",
        kind=message.kind,
        who=who or message.author_role,
        role=message.author_role,
        text=render["body"] if render else message.body,
        ref=message.staff_seq,
        data=data,
        customer_text=message.body if render and message.kind != Message.Kind.NOTE else "",  # no customer reads a note
    )


def attachment_entry(attachment) -> dict:
    """An attachment in a transcript or an export: `link` is a lasting path for staff (a fresh signed link behind
    their session), not an expiring one, so an export read next month still opens the file."""
    return {
        "id": str(attachment.pk),
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "link": reverse("attachment_open", args=[attachment.pk]),
    }


def describe_event(event: TimelineEvent, customer_name: str) -> str:
    """One plain sentence per event, in the reader's language, for people reading the timeline at 2 a.m."""
    return timeline_words.sentence(event, customer_name)


def _event_entry(event: TimelineEvent, customer_name: str) -> Entry:
    who = event.actor.display_name if event.actor else (customer_name if event.actor_role == "customer" else "")
    return Entry(
        at=event.created_at,
        source="event",
        kind=event.kind,
        who=who or event.get_actor_role_display(),
        role=event.actor_role,
        text=describe_event(event, customer_name),
        ref=event.pk,
        data=event.data or {},
    )


def transcript_entries(conversation: Conversation) -> list[Entry]:
    """Three queries, whatever the length: the messages, their attachments and the events, merged by time (messages
    first on ties, so 'X joined the chat' sits beside the event that caused it)."""
    customer_name = conversation.customer.display_name
    language = translation.get_language()
    rows = conversation.messages.select_related("author").prefetch_related("attachments").order_by("staff_seq")
    messages = [_message_entry(m, language) for m in rows]
    events = [
        _event_entry(e, customer_name)
        for e in TimelineEvent.objects.filter(conversation_id=conversation.pk).select_related("actor")
    ]
    order = {"message": 0, "event": 1}
    return sorted(messages + events, key=lambda entry: (entry.at, order[entry.source], entry.ref))
