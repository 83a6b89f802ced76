"""The wire contract (docs/protocol.md) over the real ASGI router, PostgreSQL and the Redis channel layer."""

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from chat.models import Conversation, Message
from helpdesk.asgi import application
from tests.chat.helpers import ORIGIN, agent_socket, send_frame, session_cookie, widget_socket, widget_token
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


async def test_hello_without_a_conversation_welcomes_with_null():
    socket, welcome = await widget_socket()
    assert welcome["type"] == "welcome"
    assert welcome["conversation"] is None
    assert welcome["last_seq"] == 0
    await socket.close()


@pytest.mark.parametrize(
    "token",
    [
        None,
        "not-a-jwt",
        "TAMPERED",
        "EXPIRED",
        "ALG_NONE",
        "WRONG_SECRET",
        "NO_SUB",
    ],
)
async def test_bad_tokens_get_an_error_then_4401(token):
    import jwt

    if token == "TAMPERED":
        good = widget_token()
        head, body, sig = good.split(".")
        token = f"{head}.{body[:-2]}AA.{sig}"
    elif token == "EXPIRED":
        token = widget_token(exp_in=-3600)
    elif token == "ALG_NONE":
        token = jwt.encode({"sub": "cust-1", "exp": 9999999999}, None, algorithm="none")
    elif token == "WRONG_SECRET":
        token = widget_token(secret="someone-elses-secret-also-32-bytes-long")
    elif token == "NO_SUB":
        token = jwt.encode({"exp": 9999999999}, settings.WIDGET_SECRET, algorithm="HS256")
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    assert (await communicator.connect())[0]
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": token, "after_seq": 0}))
    frame = json.loads(await communicator.receive_from())
    assert frame["type"] == "error"
    assert frame["code"] == "unauthorized"
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_frames_before_hello_are_refused_but_the_socket_stays():
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    await communicator.connect()
    await communicator.send_to(text_data=json.dumps(send_frame("hi")))
    assert json.loads(await communicator.receive_from())["code"] == "hello_required"
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": widget_token()}))
    assert json.loads(await communicator.receive_from())["type"] == "welcome"
    await communicator.disconnect()


async def test_first_send_opens_a_conversation_and_acks_with_its_id(alice):
    agent, _ = await agent_socket(alice)
    customer, _ = await widget_socket()
    msg_id = str(uuid.uuid4())
    await customer.send(send_frame("I sent USDT to the wrong network", client_msg_id=msg_id))
    ack = await customer.expect("ack")
    assert ack["client_msg_id"] == msg_id
    assert ack["seq"] == 1
    conversation = await sync_to_async(Conversation.objects.get)(pk=ack["conversation"])
    assert conversation.status == "waiting"
    queue = await agent.expect("queue", skip=("conversation", "offer"))
    if not queue["conversations"]:  # the first queue frame may predate the message's preview
        queue = await agent.expect("queue", skip=("conversation", "offer"))
    assert queue["conversations"][0]["id"] == ack["conversation"]
    assert queue["conversations"][0]["customer"]["name"] == "Carla Customer"
    await customer.close()
    await agent.close()


async def test_a_retried_send_returns_the_original_seq_and_stores_once():
    socket, _ = await widget_socket()
    msg_id = str(uuid.uuid4())
    await socket.send(send_frame("hello", client_msg_id=msg_id))
    first = await socket.expect("ack", skip=("message", "conversation"))
    await socket.send(send_frame("hello", conversation=first["conversation"], client_msg_id=msg_id))
    second = await socket.expect("ack", skip=("message", "conversation"))
    assert second["seq"] == first["seq"]
    assert await sync_to_async(Message.objects.filter(client_msg_id=msg_id).count)() == 1
    await socket.close()


async def test_a_retry_on_a_new_socket_after_the_ack_was_lost_is_not_duplicated():
    socket, _ = await widget_socket()
    msg_id = str(uuid.uuid4())
    await socket.send(send_frame("first words", client_msg_id=msg_id))
    ack = await socket.expect("ack", skip=("message", "conversation"))
    await socket.close()  # the ack never reached the phone; it retries on a new socket without a conversation
    again, welcome = await widget_socket(after_seq=0)
    assert welcome["conversation"] == ack["conversation"]
    await again.drain()
    await again.send(send_frame("first words", client_msg_id=msg_id))
    retry_ack = await again.expect("ack", skip=("message",))
    assert (retry_ack["conversation"], retry_ack["seq"]) == (ack["conversation"], ack["seq"])
    assert await sync_to_async(Message.objects.filter(conversation_id=ack["conversation"]).count)() == 1
    await again.close()


async def _open_chat(agent_user, agent_socket_, text="help please"):
    customer, _ = await widget_socket()
    await customer.send(send_frame(text))
    ack = await customer.expect("ack", skip=("message", "conversation"))
    conversation_id = ack["conversation"]
    await agent_socket_.send({"type": "accept", "conversation": conversation_id})
    changed = await agent_socket_.expect("conversation", skip=("queue", "offer", "message"))
    assert changed["assignee"]["id"] == agent_user.pk
    return customer, conversation_id


async def test_agent_and_customer_exchange_messages_in_order(alice):
    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, agent)
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    replay = []
    while (frame := await agent.recv())["type"] != "resumed":
        if frame["type"] == "message":
            replay.append(frame)
    assert [m["body"] for m in replay][:1] == ["help please"]
    assert frame["last_seq"] == replay[-1]["seq"]

    await agent.send(send_frame("I am here. Let's look together.", conversation=conversation_id))
    ack = await agent.expect("ack", skip=("queue", "conversation", "message"))
    received = await customer.expect("message")
    while received["body"] != "I am here. Let's look together.":
        received = await customer.expect("message")
    assert received["author"] == {"role": "agent", "name": "Alice"}
    assert received["kind"] == "text"
    assert received["seq"] == ack["seq"]  # no notes yet: both numberings agree
    await customer.send(send_frame("thank you", conversation=conversation_id))
    got = await agent.expect("message", skip=("queue", "conversation", "offer", "typing"))
    while got["body"] != "thank you":
        got = await agent.expect("message", skip=("queue", "conversation", "offer", "typing"))
    assert got["author"]["role"] == "customer"
    await customer.close()
    await agent.close()


async def test_notes_never_reach_the_customer_and_leave_no_gap(alice):
    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, agent)
    await customer.drain()
    before = await sync_to_async(lambda: Conversation.objects.get(pk=conversation_id).last_seq)()

    await agent.send(send_frame("customer sounds scared; VIP", conversation=conversation_id, kind="note"))
    await agent.expect("ack", skip=("queue", "conversation", "message"))
    await agent.send(send_frame("Take your time.", conversation=conversation_id))
    await agent.expect("ack", skip=("queue", "conversation", "message"))

    frames = await customer.drain(timeout=0.8)
    texts = json.dumps(frames, ensure_ascii=False)
    assert "scared" not in texts and "note" not in [f.get("kind") for f in frames]
    messages = [f for f in frames if f["type"] == "message"]
    assert [m["body"] for m in messages] == ["Take your time."]
    assert messages[0]["seq"] == before + 1  # the note took no number in the customer's sequence

    # A resume from zero replays no note either.
    await customer.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    replay = []
    while (frame := await customer.recv())["type"] != "resumed":
        replay.append(frame)
    assert all(f["kind"] != "note" for f in replay)
    assert [f["seq"] for f in replay] == list(range(1, len(replay) + 1))
    await customer.close()
    await agent.close()


async def test_a_customer_cannot_read_another_customers_conversation(alice):
    agent, _ = await agent_socket(alice)
    _, conversation_id = await _open_chat(alice, agent)
    intruder, _ = await widget_socket(sub="cust-2", name="Oscar")
    await intruder.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    error = await intruder.expect("error")
    assert error["code"] == "not_found"
    await intruder.send(send_frame("let me in", conversation=conversation_id))
    assert (await intruder.expect("error"))["code"] == "not_found"
    assert await intruder.nothing()
    await intruder.close()
    await agent.close()


async def test_two_agents_accepting_at_once_exactly_one_wins(alice, bob):
    customer, _ = await widget_socket()
    await customer.send(send_frame("anyone?"))
    conversation_id = (await customer.expect("ack", skip=("message", "conversation")))["conversation"]
    a, _ = await agent_socket(alice)
    b, _ = await agent_socket(bob)
    await asyncio.gather(
        a.send({"type": "accept", "conversation": conversation_id}),
        b.send({"type": "accept", "conversation": conversation_id}),
    )
    results = []
    for sock, user in ((a, alice), (b, bob)):
        while True:  # each socket learns its fate: the chat is theirs, or someone else's error
            frame = await sock.recv(timeout=10)
            if frame["type"] == "error":
                results.append(frame["code"])
                break
            if frame["type"] == "conversation" and (frame.get("assignee") or {}).get("id") == user.pk:
                results.append("won")
                break
    assert sorted(results) == ["already_taken", "won"]
    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert conversation.assignee_id in {alice.pk, bob.pk}
    for sock in (a, b, customer):
        await sock.close()


async def test_bad_frames_get_error_frames_and_the_socket_survives(alice):
    agent, _ = await agent_socket(alice)
    customer, _ = await widget_socket()
    for socket in (agent, customer):
        for raw in [
            "{not json",
            "[]",
            '"text"',
            '{"no":"type"}',
            '{"type":"fly"}',
            '{"type":5}',
            json.dumps(send_frame("x" * 9000)),
            json.dumps({"type": "send", "body": "no id"}),
            json.dumps({"type": "resume", "conversation": "abc"}),
            "\u0000\u202e",
        ]:
            await socket.send(raw)
            frame = await socket.expect("error")
            assert frame["code"] and frame["detail"]
        await socket.send({"type": "ping"})
        assert (await socket.expect("pong"))["type"] == "pong"
    await agent.c.send_to(bytes_data=b"\x00\x01")
    assert (await agent.expect("error"))["code"] == "bad_frame"
    await agent.close()
    await customer.close()


async def test_customers_cannot_send_notes():
    customer, _ = await widget_socket()
    await customer.send(send_frame("sneaky", kind="note"))
    assert (await customer.expect("error"))["code"] == "forbidden"
    await customer.close()


async def test_agent_socket_refuses_a_foreign_origin(alice):
    key = await sync_to_async(session_cookie)(alice)
    headers = [(b"origin", b"https://evil.example"), (b"host", b"testserver"), (b"cookie", f"sessionid={key}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected


async def test_agent_socket_refuses_without_a_session():
    communicator = WebsocketCommunicator(
        application, "/ws/agent/", headers=[(b"origin", ORIGIN), (b"host", b"testserver")]
    )
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_transfer_needs_a_note_and_the_next_agent_sees_it_with_the_history(alice, bob):
    a, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, a)
    await a.send({"type": "transfer", "conversation": conversation_id, "to_agent": bob.pk, "note": ""})
    assert (await a.expect("error", skip=("queue", "conversation", "message")))["code"] == "note_required"
    b, _ = await agent_socket(bob)
    await a.send(
        {
            "type": "transfer",
            "conversation": conversation_id,
            "to_agent": bob.pk,
            "note": "Wrong-network USDT; tx found on BSC, explain the recovery fee.",
        }
    )
    changed = await b.expect("conversation", skip=("queue", "offer", "message"))
    assert changed["assignee"]["id"] == bob.pk
    await b.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    history = []
    while (frame := await b.recv())["type"] != "resumed":
        if frame["type"] == "message":
            history.append(frame)
    bodies = [m["body"] for m in history]
    assert bodies[0] == "help please"
    assert any(
        "explain the recovery fee" in body and m["kind"] == "note" for m, body in zip(history, bodies, strict=True)
    )
    customer_frames = json.dumps(await customer.drain(timeout=0.8), ensure_ascii=False)
    assert "recovery fee" not in customer_frames
    for sock in (a, b, customer):
        await sock.close()


async def test_a_lost_nudge_is_filled_from_the_database(alice):
    """If the channel layer drops a message, the socket reads the gap from PostgreSQL before the next one."""
    from chat import services

    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, agent)
    await customer.drain()
    # Store one message without broadcasting it (as if Redis dropped the nudge)...
    import chat.broadcast as broadcast

    original = broadcast.message_stored
    broadcast.message_stored = lambda message, **kwargs: None
    try:
        await sync_to_async(services.agent_message_post)(
            agent=alice, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body="lost in transit"
        )
    finally:
        broadcast.message_stored = original
    # ...then the next one arrives normally: the customer gets both, in order.
    await agent.send(send_frame("and this one", conversation=conversation_id))
    first = await customer.expect("message")
    second = await customer.expect("message")
    assert [first["body"], second["body"]] == ["lost in transit", "and this one"]
    assert second["seq"] == first["seq"] + 1
    await customer.close()
    await agent.close()


async def test_typing_and_read_reach_the_other_side_but_note_typing_does_not(alice):
    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, agent)
    await customer.drain()
    await agent.drain()
    await customer.send({"type": "typing", "conversation": conversation_id, "active": True})
    typing = await agent.expect("typing", skip=("queue", "conversation", "message", "read"))
    assert typing == {"type": "typing", "conversation": conversation_id, "active": True}
    await agent.send({"type": "typing", "conversation": conversation_id, "active": True, "kind": "note"})
    assert await customer.nothing(0.5)
    await agent.send({"type": "read", "conversation": conversation_id, "seq": 999})
    read = await customer.expect("read")
    assert read["side"] == "agent"
    assert read["seq"] >= 1
    await customer.close()
    await agent.close()


async def test_the_customer_may_end_the_chat_and_is_asked_if_they_felt_heard(alice):
    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _open_chat(alice, agent)
    await customer.send({"type": "end", "conversation": conversation_id})
    card = await customer.expect("message", timeout=10)
    while card["kind"] != "card":
        card = await customer.expect("message", timeout=10)
    assert card["payload"]["type"] == "survey.heard"
    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert (conversation.status, conversation.ended_by) == ("ended", "customer")
    await customer.close()
    await agent.close()
