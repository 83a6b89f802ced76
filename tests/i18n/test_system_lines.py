"""Lines the helpdesk itself writes into a chat ("Alice joined the chat.") are in the customer's language."""

import uuid

import pytest
from django.utils import translation

from chat import services
from chat.models import Message
from tickets import services as tickets_services

JOINED = {"en": "Alice joined the chat.", "ar": "في المحادثة الآن: Alice", "ru": "Alice теперь в чате."}
ENDED = {"en": "Alice ended the chat.", "ar": "انتهت المحادثة بطلب من Alice.", "ru": "Alice завершает чат."}


def _conversation(lang: str):
    customer = tickets_services.customer_upsert(external_id=f"lines-{lang}", name="Noor", locale=lang)
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello", locale=lang
    )
    return posted.message.conversation


@pytest.mark.django_db
@pytest.mark.parametrize("lang", list(JOINED))
def test_joined_and_ended_lines_speak_the_customers_language(alice, lang):
    conversation = _conversation(lang)
    with translation.override("en"):  # the agent's own language does not leak into the customer's chat
        services.conversation_accept(agent=alice, conversation_id=conversation.pk)
        services.conversation_end(conversation_id=conversation.pk, agent=alice)
    lines = list(conversation.messages.filter(kind=Message.Kind.SYSTEM).values_list("body", flat=True))
    assert JOINED[lang] in lines
    assert ENDED[lang] in lines


@pytest.mark.django_db
def test_a_handed_on_chat_announces_the_new_agent_in_the_customers_language(alice, bob):
    conversation = _conversation("ru")
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    services.conversation_transfer(agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note="TXID ok")
    assert conversation.messages.filter(kind=Message.Kind.SYSTEM, body="Bob теперь в чате.").exists()
