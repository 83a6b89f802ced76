"""A `send` frame that carries "attachments": read its fields, call the service, answer with the ack.

Called by the sockets (chat/consumers/) on a database thread. Refusals are ChatErrors, which the socket turns into
error frames echoing the client_msg_id, as for any send."""

import uuid

from accounts.models import User
from chat.attachments import services
from chat.services import ChatError
from tickets.models import Customer


def _client_msg_id(frame: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(frame.get("client_msg_id")))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ChatError("bad_frame", '"client_msg_id" must be a UUID') from exc


def _conversation(frame: dict) -> int | None:
    value = frame.get("conversation")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**62:
        raise ChatError("bad_frame", '"conversation" must be an integer')
    return value


def customer_send(customer: Customer, frame: dict, locale: str) -> dict:
    if frame.get("kind", "text") != "text":
        raise ChatError("forbidden", "customers send text messages")
    client_msg_id = _client_msg_id(frame)
    posted = services.customer_message_post(
        customer=customer,
        conversation_id=_conversation(frame),
        client_msg_id=client_msg_id,
        body=frame.get("body", ""),
        attachments=frame.get("attachments"),
        locale=locale,
    )
    message = posted.message
    return {
        "type": "ack",
        "conversation": message.conversation_id,
        "client_msg_id": str(client_msg_id),
        "seq": message.seq,
    }


def agent_send(agent: User, conversation_id: int, frame: dict) -> dict:
    client_msg_id = _client_msg_id(frame)
    posted = services.agent_message_post(
        agent=agent,
        conversation_id=conversation_id,
        client_msg_id=client_msg_id,
        body=frame.get("body", ""),
        attachments=frame.get("attachments"),
        kind=frame.get("kind", "text"),
    )
    return {
        "type": "ack",
        "conversation": conversation_id,
        "client_msg_id": str(client_msg_id),
        "seq": posted.message.staff_seq,
    }
