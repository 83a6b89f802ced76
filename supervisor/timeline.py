"""A conversation's transcript: every message and every timeline event, merged in time order.

The page, the JSON export and the CSV export are all built from `transcript_entries`, so an export holds
exactly what the page shows.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.urls import reverse

from chat.models import Conversation, Message
from tickets.models import TimelineEvent

ROLE_OF_AUTHOR = {"customer": "customer", "agent": "agent", "system": "system"}


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

    def as_export(self) -> dict:
        row = asdict(self)
        row["at"] = self.at.isoformat()
        return row


def _message_entry(message: Message) -> Entry:
    who = message.author.display_name if message.author else message.author_name
    data = {"seq": message.seq}
    if message.payload:
        data["payload"] = message.payload
    if files := list(message.attachments.all()):  # prefetched: no query per message
        data["attachments"] = [attachment_entry(attachment) for attachment in files]
    return Entry(
        at=message.created_at,
        source="message",
        kind=message.kind,
        who=who or message.author_role,
        role=message.author_role,
        text=message.body,
        ref=message.staff_seq,
        data=data,
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
    """One plain sentence per event, for people reading the timeline at 2 a.m."""
    data = event.data or {}
    actor = event.actor.display_name if event.actor else (customer_name if event.actor_role == "customer" else "")
    kind = event.kind
    if kind == "chat.started":
        return f"{customer_name} started the chat."
    if kind == "chat.accepted":
        return f"{data.get('agent') or actor} accepted the chat."
    if kind == "chat.transferred":
        return f"{actor} handed the chat to {data.get('to_agent')}. Note: {data.get('note') or '—'}"
    if kind == "chat.reassigned":
        reason = data.get("note") or "no reason given"
        moved = f"from {data.get('from_agent') or 'nobody'} to {data.get('to_agent')}"
        return f"{actor} reassigned the chat {moved}. Reason: {reason}"
    if kind == "chat.ended":
        return f"The chat was ended by {actor or event.get_actor_role_display().lower()}."
    if kind == "chat.satisfaction":
        answer = {"yes": "Yes", "partly": "Partly", "no": "No"}.get(data.get("answer"), data.get("answer"))
        comment = f' — "{data["comment"]}"' if data.get("comment") else ""
        return f"Did you feel heard? {answer}{comment}"
    if kind == "chat.reply_waiting":
        replies = "1 reply" if data.get("unread") == 1 else f"{data.get('unread')} replies"
        return f"{customer_name} was away with {replies} unread: the exchange was told, so it can reach them."
    if kind.startswith("recovery."):
        return _describe_recovery(kind, data)
    details = ", ".join(f"{key}: {value}" for key, value in data.items() if not isinstance(value, (dict, list)))
    return f"{kind.replace('.', ' ').replace('_', ' ')}" + (f" ({details})" if details else "")


def _words(code) -> str:
    return str(code or "—").replace("_", " ")


def _describe_recovery(kind: str, data: dict) -> str:
    """Lookups and recovery-case transitions (recovery.services records them on this conversation)."""
    if kind == "recovery.lookup_started":
        return f"Looked up transaction {data.get('txid') or '(not a transaction id)'} on every chain."
    if kind == "recovery.lookup_retried":
        return f"Looked up transaction {data.get('txid') or ''} again.".replace("  ", " ")
    if kind == "recovery.lookup_finished":
        where = f" on {data['chain']}" if data.get("chain") else ""
        return f"Lookup result: {_words(data.get('verdict'))}{where}."
    if kind == "recovery.case_opened":
        return f"Recovery case #{data.get('case')} opened ({_words(data.get('status'))})."
    if kind == "recovery.case_status":
        text = f"Recovery case #{data.get('case')}: {_words(data.get('from'))} → {_words(data.get('to'))}."
        if data.get("fee_quote"):
            text += f" Fee: {data['fee_quote']}."
        if data.get("note"):
            text += f" Note: {data['note']}"
        return text
    details = ", ".join(f"{key}: {value}" for key, value in data.items() if not isinstance(value, (dict, list)))
    return f"{kind.replace('.', ' ').replace('_', ' ')}" + (f" ({details})" if details else "")


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
    rows = conversation.messages.select_related("author").prefetch_related("attachments").order_by("staff_seq")
    messages = [_message_entry(m) for m in rows]
    events = [
        _event_entry(e, customer_name)
        for e in TimelineEvent.objects.filter(conversation_id=conversation.pk).select_related("actor")
    ]
    order = {"message": 0, "event": 1}
    return sorted(messages + events, key=lambda entry: (entry.at, order[entry.source], entry.ref))
