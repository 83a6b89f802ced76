"""Fixtures shared by the security tests."""

import uuid

import pytest

from chat import services as chat_services


@pytest.fixture
def world(alice, bob, sofia, customer, other_customer):
    """Carla's chat is held by Alice, with an internal note; Oscar has his own chat."""
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="My deposit is missing"
    )
    conversation_id = posted.message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    chat_services.agent_message_post(
        agent=alice, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body="SECRET-NOTE", kind="note"
    )
    other = chat_services.customer_message_post(
        customer=other_customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my USDT?"
    )
    ticket_id = posted.message.conversation.ticket_id
    return {
        "conversation_id": conversation_id,
        "other_conversation_id": other.message.conversation_id,
        "ids": {"conversation_id": conversation_id, "ticket_id": ticket_id, "customer_id": customer.pk},
    }
