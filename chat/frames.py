"""Wire frames (docs/protocol.md). One place builds them so that sockets, replays and tests agree."""

from chat import screening
from chat.attachments.links import frames_of as attachment_frames
from chat.models import Conversation, Message


class Audience:
    CUSTOMER = "customer"
    STAFF = "staff"


def message_frame(message: Message, audience: str, language: str | None = None) -> dict:
    """The `message` frame. Customers see their own numbering and never a note; staff read a card or line the
    helpdesk wrote in `language` (their console's), with the customer's version beside it."""
    if audience == Audience.CUSTOMER and not message.is_public:
        raise ValueError("a note must never be framed for a customer")
    frame = {
        "type": "message",
        "conversation": message.conversation_id,
        "seq": message.seq if audience == Audience.CUSTOMER else message.staff_seq,
        "client_msg_id": str(message.client_msg_id) if message.client_msg_id else None,
        "kind": message.kind,
        "author": {"role": message.author_role, "name": message.author_name},
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "attachments": attachment_frames(message),  # [] when none; a note's only ever reach staff (raised above)
    }
    if message.payload is not None:
        frame["payload"] = message.payload
    if message.author_role == Message.AuthorRole.CUSTOMER and (kinds := screening.redacted_kinds(message.body)):
        frame["redacted"] = kinds  # absent when nothing was removed (docs/protocol.md)
    if audience == Audience.STAFF:
        frame["customer_seq"] = message.seq
        if message.kind == Message.Kind.TEXT and (found := screening.lookalikes_in(message.body)):
            frame["lookalikes"] = found  # computed as it is framed: HELPDESK_OFFICIAL_DOMAINS may change
        if language and message.renders:
            return for_reader(frame, message.renders, language)
    return frame


def for_reader(frame: dict, renders: dict | None, language: str | None) -> dict:
    """A staff frame in its reader's language: the fields `renders[language]` holds (body and payload for a message,
    blocks for a card_update) replace the customer's, which move to `customer_view` — what the customer sees.
    Unchanged when the reader reads the customer's language (or one we do not render)."""
    render = (renders or {}).get(language or "")
    if not render:
        return frame
    if frame.get("kind") == "note":
        return {**frame, **render}  # staff only: there is no customer's view of it
    customer_view = {key: frame.get(key) for key in render}
    return {**frame, **render, "customer_view": customer_view}


def assignee_dict(conversation: Conversation) -> dict | None:
    agent = conversation.assignee
    return {"id": agent.pk, "name": agent.display_name} if agent else None


def conversation_frame(conversation: Conversation, audience: str = Audience.STAFF) -> dict:
    frame = {
        "type": "conversation",
        "conversation": conversation.pk,
        "status": conversation.status,
        "assignee": assignee_dict(conversation),
    }
    if audience == Audience.STAFF:
        customer = conversation.customer
        frame["customer"] = customer_dict(customer)
        frame["ticket"] = conversation.ticket_id
        frame["last_seq"] = conversation.last_staff_seq
    else:
        frame["last_seq"] = conversation.last_seq
        if frame["assignee"]:
            frame["assignee"] = {"id": frame["assignee"]["id"], "name": frame["assignee"]["name"]}
    return frame


def customer_dict(customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.display_name,
        "vip": customer.vip or None,
        "locale": customer.locale or None,
    }


def error_frame(code: str, detail: str, **extra) -> dict:
    return {"type": "error", "code": code, "detail": detail, **extra}
