"""Wire frames (docs/protocol.md). One place builds them so that sockets, replays and tests agree."""

from chat import screening
from chat.attachments.links import frames_of as attachment_frames
from chat.models import Conversation, Message


class Audience:
    CUSTOMER = "customer"
    STAFF = "staff"


def message_frame(message: Message, audience: str) -> dict:
    """The `message` frame. Customers see their own numbering and never a note."""
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
    return frame


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
