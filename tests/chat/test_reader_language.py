"""Every reader reads the helpdesk's own cards and lines in their language (docs/cards.md, docs/protocol.md): the
customer in the chat's, staff in their console's, with the customer's version beside it ("as the customer sees
it"). Live frames, replays and the stored message agree."""

import uuid

import pytest
from channels.testing import WebsocketCommunicator

from chat import services
from chat.models import Message
from helpdesk.asgi import application
from tests.chat.helpers import Socket, agent_socket, send_frame, sync_to_async, widget_token

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
    # Generous timeouts: on a busy shared machine the first socket of a test process takes over a second.
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    customer = Socket(communicator)
    await customer.send({"type": "hello", "token": widget_token(sub="ivan", name="Ivan", locale="ru")})
    assert (await customer.recv(timeout=10))["type"] == "welcome"
    await customer.send(send_frame("Здравствуйте"))
    conversation_id = (await customer.expect("ack", timeout=10, skip=("message", "conversation", "waiting")))[
        "conversation"
    ]
    return customer, conversation_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", list(LANGS))
async def test_staff_read_the_joined_line_in_their_language_and_the_customer_in_theirs(alice, sofia, lang):
    customer, conversation_id = await _russian_waiting_chat()
    # A supervisor watching the chat gets the line live; Alice, who accepts, reads it in the replay.
    watcher, _ = await agent_socket(sofia, extra_headers=accept_language(lang))
    await watcher.send({"type": "watch", "conversation": conversation_id, "after_seq": 0})
    await watcher.expect("resumed", timeout=10, skip=("queue", "conversation", "offer", "message"))
    agent, _ = await agent_socket(alice, extra_headers=accept_language(lang))
    await agent.send({"type": "accept", "conversation": conversation_id})
    line = await watcher.expect("message", timeout=10, skip=("queue", "conversation", "offer", "typing", "read"))
    assert line["kind"] == "system"
    assert line["body"] == LANGS[lang]
    assert line["customer_view"] == {"body": RUSSIAN}
    skip = ("queue", "conversation", "waiting", "typing", "read")
    while (theirs := await customer.expect("message", timeout=10, skip=skip))["kind"] != "system":
        continue  # the customer's own first words come back to them first
    assert theirs["body"] == RUSSIAN and "customer_view" not in theirs

    # A replay (a reload, a reconnect, the console opening the chat) gives the same as the live frame.
    await agent.expect("conversation", timeout=10, skip=("queue", "offer"))
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    replayed = []
    while (frame := await agent.recv(timeout=10))["type"] != "resumed":
        replayed += [frame] if frame["type"] == "message" else []
    assert replayed[-1]["body"] == LANGS[lang] and replayed[-1]["customer_view"] == {"body": RUSSIAN}
    for socket in (watcher, agent, customer):
        await socket.close()


@pytest.mark.django_db(transaction=True)
async def test_a_russian_console_reads_a_russian_chat_as_it_is(alice):
    customer, conversation_id = await _russian_waiting_chat()
    agent, _ = await agent_socket(alice, extra_headers=accept_language("ru"))
    await agent.send({"type": "accept", "conversation": conversation_id})
    await agent.expect("conversation", timeout=10, skip=("queue", "offer"))
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    lines = []
    while (frame := await agent.recv(timeout=10))["type"] != "resumed":
        lines += [frame] if frame["type"] == "message" and frame["kind"] == "system" else []
    assert lines[-1]["body"] == RUSSIAN and "customer_view" not in lines[-1]
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
