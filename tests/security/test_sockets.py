"""The sockets' doors: cross-site websocket hijacking, forged widget tokens, customer A against customer B, the
per-socket rate limit and the body size limit. (The basic cases live in tests/chat/test_consumers.py.)"""

import json
import logging
import time
import uuid

import jwt
import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from chat.models import Conversation, Message
from helpdesk.asgi import application
from tests.chat.helpers import agent_socket, send_frame, session_cookie, widget_socket, widget_token
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


# --- cross-site websocket hijacking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        None,  # no Origin header at all
        b"null",  # sandboxed iframes and file:// pages
        b"http://testserver.evil.example",
        b"http://evil.example",
        b"http://testserver@evil.example",
        b"https://evil.example/http://testserver",
        b"ws://testserver",
        b"file://testserver",
        b"",
    ],
)
async def test_the_agent_socket_refuses_every_foreign_or_missing_origin_even_with_a_valid_session(alice, origin):
    key = await sync_to_async(session_cookie)(alice)
    headers = [(b"host", b"testserver"), (b"cookie", f"sessionid={key}".encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, code = await communicator.connect(timeout=10)
    assert not connected
    assert code == 4403


async def test_the_agent_socket_accepts_its_own_origin(alice):
    socket, welcome = await agent_socket(alice)
    assert welcome["agent"]["id"] == alice.pk
    await socket.close()


async def test_a_customer_cannot_open_the_agent_socket_with_a_widget_token():
    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    communicator = WebsocketCommunicator(application, "/ws/agent/?token=" + widget_token(), headers=headers)
    connected, code = await communicator.connect()
    assert not connected and code == 4401


# --- forged widget tokens --------------------------------------------------------------------------------


def _claims(**extra) -> dict:
    return {"sub": "cust-1", "exp": int(time.time()) + 600, "name": "Carla Customer", **extra}


def _unsigned(alg: str) -> str:
    def b64(data: dict) -> str:
        return jwt.utils.base64url_encode(json.dumps(data).encode()).decode()

    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(_claims())}."


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


FORGERIES = {
    "hs512_with_the_real_secret": lambda: jwt.encode(_claims(), settings.WIDGET_SECRET, algorithm="HS512"),
    "hs384_with_the_real_secret": lambda: jwt.encode(_claims(), settings.WIDGET_SECRET, algorithm="HS384"),
    "rs256_with_an_attackers_key": lambda: jwt.encode(_claims(), _rsa_key(), algorithm="RS256"),
    "alg_None_capitalised": lambda: _unsigned("None"),
    "alg_NONE": lambda: _unsigned("NONE"),
    "hs256_without_a_signature": lambda: _unsigned("HS256"),
    "expired_beyond_the_skew": lambda: widget_token(exp_in=-61),
    "not_yet_valid": lambda: jwt.encode(_claims(nbf=int(time.time()) + 600), settings.WIDGET_SECRET, "HS256"),
    "no_exp": lambda: jwt.encode({"sub": "cust-1"}, settings.WIDGET_SECRET, algorithm="HS256"),
    "empty_sub": lambda: jwt.encode(_claims(sub=""), settings.WIDGET_SECRET, algorithm="HS256"),
    "sub_as_an_object": lambda: jwt.encode(_claims(sub={"$ne": None}), settings.WIDGET_SECRET, "HS256"),
    "secret_prefix_only": lambda: widget_token(secret=settings.WIDGET_SECRET[:-1] + "x"),
    "token_as_a_list": lambda: [widget_token()],
    "huge_token": lambda: widget_token(name="x" * 20000),
    "payload_swapped_onto_a_valid_signature": lambda: _swap_payload(),
}


def _swap_payload() -> str:
    """Carla's signed token with Oscar's claims pasted in: the signature no longer matches."""
    head, _, sig = widget_token(sub="cust-1").split(".")
    other = widget_token(sub="cust-2").split(".")[1]
    return f"{head}.{other}.{sig}"


@pytest.mark.parametrize("forgery", sorted(set(FORGERIES) - {"huge_token"}))
async def test_forged_widget_tokens_are_refused_with_4401(forgery):
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    assert (await communicator.connect())[0]
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": FORGERIES[forgery]()}))
    frame = json.loads(await communicator.receive_from(timeout=5))
    assert (frame["type"], frame["code"]) == ("error", "unauthorized")
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_a_valid_token_with_a_huge_name_is_stored_cut_to_size_or_refused_never_a_crash():
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    assert (await communicator.connect())[0]
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": FORGERIES["huge_token"]()}))
    frame = json.loads(await communicator.receive_from(timeout=5))
    assert frame["type"] in ("welcome", "error")
    if frame["type"] == "welcome":
        assert len(frame["customer"]["name"]) <= 200
    await communicator.disconnect()


# --- customer A against customer B ------------------------------------------------------------------------


async def test_customer_b_cannot_touch_customer_as_conversation_in_any_frame():
    carla, _ = await widget_socket(sub="cust-1")
    await carla.send(send_frame("my account number is 4242"))
    ack = await carla.expect("ack", skip=("message", "conversation"))
    conversation = ack["conversation"]
    await carla.drain()  # her own message's echo
    oscar, _ = await widget_socket(sub="cust-2", name="Oscar")
    for frame in (
        {"type": "resume", "conversation": conversation, "after_seq": 0},
        {"type": "typing", "conversation": conversation, "active": True},
        {"type": "read", "conversation": conversation, "seq": 1},
        {"type": "end", "conversation": conversation},
        send_frame("let me in", conversation=conversation),
    ):
        await oscar.send(frame)
        answer = await oscar.expect("error")
        assert answer["code"] == "not_found", (frame, answer)
    # the same client_msg_id as Carla's message: refused, and it does not reveal her message
    await oscar.send(send_frame("replay", client_msg_id=ack["client_msg_id"]))
    answer = await oscar.recv()
    assert answer["type"] == "error" and "4242" not in json.dumps(answer)
    assert await carla.drain(0.5) == [], "Carla's socket heard nothing from Oscar"
    assert await sync_to_async(Message.objects.filter(conversation_id=conversation).count)() == 1
    await carla.close()
    await oscar.close()


# --- limits ------------------------------------------------------------------------------------------------


async def test_a_socket_sending_too_fast_gets_rate_limited_and_recovers(settings):
    settings.CHAT_RATE_PER_10S = 30
    socket, _ = await widget_socket()
    for _ in range(45):
        await socket.send({"type": "ping"})
    answers = [await socket.recv() for _ in range(45)]
    pongs = sum(1 for a in answers if a["type"] == "pong")
    limited = [a for a in answers if a["type"] == "error"]
    # hello spent one of the 30; the bucket refills 3 a second while the burst is sent
    assert 29 <= pongs <= 33, pongs
    assert limited and all(a["code"] == "rate_limited" for a in limited)
    assert pongs + len(limited) == 45, "every frame got exactly one answer"
    await socket.c.receive_nothing(timeout=1.2)
    await socket.send({"type": "ping"})
    assert (await socket.recv())["type"] == "pong", "the socket recovers once the burst is over"
    await socket.close()


async def test_frames_before_hello_spend_from_the_same_bucket(settings):
    """A socket that never says hello cannot make the server parse and answer without limit: 100 frames at the
    limit of 30 get `hello_required` until the bucket is empty, then `rate_limited` (a few refills apart)."""
    settings.CHAT_RATE_PER_10S = 30
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    assert (await communicator.connect())[0]
    for n in range(100):
        await communicator.send_to(text_data=json.dumps({"type": "ping"} if n % 2 else send_frame("hi")))
    codes = [json.loads(await communicator.receive_from(timeout=5))["code"] for _ in range(100)]
    assert codes[:30] == ["hello_required"] * 30
    assert set(codes[30:]) <= {"hello_required", "rate_limited"}
    assert codes.count("rate_limited") >= 60, codes  # the bucket refills 3 a second while the burst is sent
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": widget_token()}))
    assert json.loads(await communicator.receive_from())["code"] == "rate_limited", "hello spends from it too"
    assert await communicator.receive_nothing(timeout=1.2)
    await communicator.send_to(text_data=json.dumps({"type": "hello", "token": widget_token()}))
    assert json.loads(await communicator.receive_from())["type"] == "welcome", "the socket stayed open"
    await communicator.disconnect()


async def test_agent_frames_with_a_nul_are_refused_not_reported_as_a_database_failure(alice, bob, caplog):
    """A NUL in a transfer note reached PostgreSQL, which refused it: the agent read "unavailable, safe to retry"
    (it never is) and the server logged a traceback."""
    customer, _ = await widget_socket()
    await customer.send(send_frame("help"))
    conversation = (await customer.expect("ack", skip=("message", "conversation")))["conversation"]
    agent, _ = await agent_socket(alice)
    await agent.send({"type": "accept", "conversation": conversation})
    await agent.expect("conversation", skip=("queue", "offer", "message"))
    for frame in (
        {"type": "transfer", "conversation": conversation, "to_agent": bob.pk, "note": "over to you\x00"},
        {"type": "presence", "status": "online\x00"},
    ):
        await agent.send(frame)
        refused = await agent.expect("error", skip=("queue", "offer", "message", "conversation"))
        assert refused["code"] == "bad_frame" and "NUL" in refused["detail"], refused
    held = await sync_to_async(lambda: Conversation.objects.get(pk=conversation).assignee_id)()
    assert held == alice.pk, "the refused transfer changed nothing"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    await agent.close()
    await customer.close()


async def test_the_limit_is_per_socket_and_rate_limited_sends_store_nothing(settings):
    settings.CHAT_RATE_PER_10S = 5
    first, _ = await widget_socket()
    ids = [str(uuid.uuid4()) for _ in range(8)]
    for msg_id in ids:
        await first.send(send_frame("burst", client_msg_id=msg_id))
    answers = []
    while len(answers) < len(ids):
        frame = await first.recv()
        if frame["type"] in ("ack", "error"):
            answers.append(frame)
    acked = {a["client_msg_id"] for a in answers if a["type"] == "ack"}
    refused = {a["client_msg_id"] for a in answers if a["type"] == "error" and a["code"] == "rate_limited"}
    assert len(acked) <= 6 and refused and acked | refused == set(ids)
    stored = await sync_to_async(lambda: set(map(str, Message.objects.values_list("client_msg_id", flat=True))))()
    assert stored == acked, "a refused send stores nothing; the client resends it later with the same id"
    second, _ = await widget_socket(sub="cust-9")
    await second.send({"type": "ping"})
    assert (await second.recv())["type"] == "pong"
    await first.close()
    await second.close()


@pytest.mark.parametrize("length, accepted", [(8000, True), (8001, False), (40000, False)])
async def test_body_size_limit(length, accepted):
    socket, _ = await widget_socket()
    await socket.send(send_frame("é" * length))
    answer = await socket.expect("error" if not accepted else "ack", skip=("message", "conversation"))
    if not accepted:
        assert answer["code"] == "too_long"
    count = await sync_to_async(Message.objects.count)()
    assert count == (1 if accepted else 0)
    await socket.close()
