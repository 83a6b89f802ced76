"""Every reader reads the helpdesk's own cards and lines in their language (docs/cards.md, docs/protocol.md): the
customer in the chat's, staff in their console's, with the customer's version beside it ("as the customer sees
it"). Live frames, replays and the stored message agree."""

import uuid

import pytest

from chat import services
from chat.models import Message
from tests.chat.helpers import agent_socket, send_frame, sync_to_async, widget_socket

LANGS = {
    # console language: the joined line staff read, for a Russian customer's chat
    "en": "Alice joined the chat.",
    "ar": "في المحادثة الآن: Alice",
    "zh-hans": "Alice 加入了对话。",
}
RUSSIAN = "Alice теперь в чате."


def accept_language(lang: str) -> list:
    return [(b"accept-language", f"{lang},en;q=0.5".encode())]


async def _russian_waiting_chat() -> int:
    customer, _ = await widget_socket(sub="ivan", name="Ivan", locale="ru")
    await customer.send(send_frame("Здравствуйте"))
    conversation_id = (await customer.expect("ack", timeout=10, skip=("message", "conversation", "waiting")))[
        "conversation"
    ]
    return customer, conversation_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", list(LANGS))
async def test_staff_read_the_joined_line_in_their_language_and_the_customer_in_theirs(alice, lang):
    customer, conversation_id = await _russian_waiting_chat()
    agent, _ = await agent_socket(alice, extra_headers=accept_language(lang))
    await agent.send({"type": "accept", "conversation": conversation_id})
    line = await agent.expect("message", timeout=10, skip=("queue", "conversation", "offer", "typing", "read"))
    assert line["kind"] == "system"
    assert line["body"] == LANGS[lang]
    assert line["customer_view"] == {"body": RUSSIAN}
    theirs = await customer.expect("message", timeout=10, skip=("queue", "conversation", "waiting", "typing", "read"))
    assert theirs["body"] == RUSSIAN and "customer_view" not in theirs

    # A replay (a reload, a reconnect) gives the same as the live frame.
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    replayed = [frame for frame in await agent.drain() if frame["type"] == "message"]
    assert replayed[-1]["body"] == LANGS[lang] and replayed[-1]["customer_view"] == {"body": RUSSIAN}
    await agent.close()
    await customer.close()


@pytest.mark.django_db(transaction=True)
async def test_a_russian_console_reads_a_russian_chat_as_it_is(alice):
    customer, conversation_id = await _russian_waiting_chat()
    agent, _ = await agent_socket(alice, extra_headers=accept_language("ru"))
    await agent.send({"type": "accept", "conversation": conversation_id})
    line = await agent.expect("message", timeout=10, skip=("queue", "conversation", "offer", "typing", "read"))
    assert line["body"] == RUSSIAN and "customer_view" not in line
    await agent.close()
    await customer.close()


@pytest.mark.django_db(transaction=True)
async def test_cards_carry_every_staff_language_and_the_survey_too(alice, customer):
    def chat_ended():
        posted = services.customer_message_post(
            customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hi", locale="bn"
        )
        services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
        services.conversation_end(conversation_id=posted.message.conversation_id, agent=alice)
        return posted.message.conversation_id

    conversation_id = await sync_to_async(chat_ended)()
    survey = await sync_to_async(Message.objects.get)(conversation_id=conversation_id, kind="card")
    assert survey.payload["title"] == "আপনার কি মনে হয়েছে আমরা আপনার কথা শুনেছি?"
    assert survey.renders["en"]["payload"]["title"] == "Did you feel heard?"
    assert survey.renders["ru"]["payload"]["action"] == survey.payload["action"]  # values are the same everywhere
    assert set(survey.renders) == {"en", "ru", "ar", "zh-hans", "fil"}  # every other language staff may read
