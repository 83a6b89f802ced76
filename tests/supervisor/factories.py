"""Conversations made through the real chat services, as they happen in production."""

import uuid

from chat import services as chat_services
from chat.models import Conversation
from tickets import services as tickets_services


def chat(customer, words: list[str], *, agent=None, end: bool = False, answer: str | None = None, locale: str = ""):
    """A conversation: the customer's messages, optionally accepted by `agent`, a reply, an end, an answer."""
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=words[0], locale=locale
    )
    conversation_id = posted.message.conversation_id
    for body in words[1:]:
        chat_services.customer_message_post(
            customer=customer, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=body
        )
    if agent is not None:
        chat_services.conversation_accept(agent=agent, conversation_id=conversation_id)
        chat_services.agent_message_post(
            agent=agent, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body="I am here with you."
        )
    if end:
        chat_services.conversation_end(
            conversation_id=conversation_id, agent=agent, customer=None if agent else customer
        )
    if answer:
        chat_services.satisfaction_record(customer=customer, conversation_id=conversation_id, answer=answer)
    return Conversation.objects.get(pk=conversation_id)


def person(external_id: str, *, name: str, locale: str = "en", vip: str = ""):
    return tickets_services.customer_upsert(external_id=external_id, name=name, locale=locale, vip=vip)
