"""A supervisor watching a chat over the real agent socket, with the Redis channel layer and PostgreSQL."""

import json

import pytest
from channels.db import database_sync_to_async

from chat import services as chat_services
from chat.models import Message
from tests.conftest import require
from tests.supervisor.sockets import customer_socket, send_frame, staff_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


async def _open_chat(customer, agent_user) -> int:
    await customer.send(send_frame("my USDT went to the wrong network"))
    ack = await customer.until("ack")
    await database_sync_to_async(chat_services.conversation_accept)(
        agent=agent_user, conversation_id=ack["conversation"]
    )
    return ack["conversation"]


async def test_supervisor_watches_live_and_the_note_never_reaches_the_customer(alice, sofia):
    customer = await customer_socket("cust-watch", "Wanda")
    conversation_id = await _open_chat(customer, alice)
    agent = await staff_socket(alice)
    await agent.send({"type": "watch", "conversation": conversation_id, "after_seq": 0})
    await agent.until("resumed", conversation=conversation_id)
    supervisor = await staff_socket(sofia)

    await supervisor.send({"type": "watch", "conversation": conversation_id, "after_seq": 0})
    replay = []
    while (frame := await supervisor.recv())["type"] != "resumed":
        if frame["type"] == "message":
            replay.append(frame["body"])
    assert replay[0] == "my USDT went to the wrong network"
    await customer.drain()

    await customer.send(send_frame("are you still there?", conversation=conversation_id))
    live = await supervisor.until("message", conversation=conversation_id)
    assert live["body"] == "are you still there?"

    note = send_frame("Ask for the TXID first, gently.", conversation=conversation_id, kind="note")
    await supervisor.send(note)
    ack = await supervisor.until("ack")
    assert ack["client_msg_id"] == note["client_msg_id"]
    to_agent = await agent.until("message", kind="note")
    assert to_agent["body"] == "Ask for the TXID first, gently."
    assert to_agent["author"]["name"] == "Sofia"

    customer_frames = await customer.drain(timeout=1.0)
    assert "TXID first" not in json.dumps(customer_frames, ensure_ascii=False)
    assert all(f.get("kind") != "note" for f in customer_frames)
    await customer.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    replayed = []
    while (frame := await customer.recv())["type"] != "resumed":
        replayed.append(frame)
    assert "TXID first" not in json.dumps(replayed, ensure_ascii=False)

    stored = await database_sync_to_async(Message.objects.get)(conversation_id=conversation_id, kind="note")
    assert (stored.seq, stored.author_id) == (None, sofia.pk)
    for socket in (customer, agent, supervisor):
        await socket.close()


async def test_a_watching_supervisor_cannot_reply_to_the_customer(alice, sofia):
    customer = await customer_socket("cust-watch-2", "Wes")
    conversation_id = await _open_chat(customer, alice)
    supervisor = await staff_socket(sofia)
    await supervisor.send(send_frame("hello from the supervisor", conversation=conversation_id))
    error = await supervisor.until("error")
    assert error["code"] == "not_assignee"
    assert "hello from the supervisor" not in json.dumps(await customer.drain(), ensure_ascii=False)
    await supervisor.close()
    await customer.close()


async def test_an_agent_cannot_watch_a_colleagues_chat(alice, bob):
    customer = await customer_socket("cust-watch-3", "Wim")
    conversation_id = await _open_chat(customer, alice)
    intruder = await staff_socket(bob)
    await intruder.send({"type": "watch", "conversation": conversation_id, "after_seq": 0})
    error = await intruder.until("error")
    assert error["code"] == "not_found"
    await intruder.close()
    await customer.close()
