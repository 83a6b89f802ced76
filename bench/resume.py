"""Resume: a client that missed 1,000 messages reconnects and gets them all."""

import asyncio
import json
import time
import uuid

from django.db import transaction
from django.utils import timezone

from bench import fixtures
from bench.procs import server
from bench.stats import summary
from chat.models import Conversation, Message

MISSED = 1000
ROUNDS = 7


def conversation_with_history(holder) -> tuple[int, str, int]:
    """A conversation whose last 1,000 messages the client will have missed; returns (id, customer, last_seq)."""
    chat = fixtures.bulk_conversations("bench-resume", 1, holders=[holder])[0]
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=chat.conversation)
        start, now = conversation.last_staff_seq, timezone.now()
        Message.objects.bulk_create(
            [
                Message(
                    conversation=conversation,
                    seq=start + i,
                    staff_seq=start + i,
                    client_msg_id=uuid.uuid4(),
                    kind=Message.Kind.TEXT,
                    author_role=Message.AuthorRole.CUSTOMER,
                    author_name="Customer",
                    body=f"missed message number {i}: where is my deposit?",
                    created_at=now,
                )
                for i in range(1, MISSED + 1)
            ]
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            last_seq=start + MISSED, last_staff_seq=start + MISSED, last_message_at=now
        )
    return conversation.pk, chat.external_id, start


async def widget_resume(base: str, token: str, after_seq: int) -> float:
    """hello with after_seq → welcome and every missed message; the time until the last one arrives."""
    from websockets.asyncio.client import connect

    async with connect(base + "/ws/widget/", max_queue=None, compression=None) as ws:
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "hello", "token": token, "after_seq": after_seq}))
        received = 0
        while received < MISSED:
            if json.loads(await ws.recv())["type"] == "message":
                received += 1
        return (time.perf_counter() - started) * 1000


async def agent_resume(base: str, origin: str, cookie: str, conversation: int, after_seq: int) -> float:
    """An agent's `resume` after a reconnect: the time until `resumed` (after every missed message)."""
    from websockets.asyncio.client import connect

    async with connect(
        base + "/ws/agent/", origin=origin, additional_headers={"Cookie": cookie}, max_queue=None, compression=None
    ) as ws:
        while json.loads(await ws.recv())["type"] != "queue":
            pass
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "resume", "conversation": conversation, "after_seq": after_seq}))
        received = 0
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                received += 1
            elif frame["type"] == "resumed":
                break
        assert received == MISSED, received
        return (time.perf_counter() - started) * 1000


def measure(env: dict) -> dict:
    holder = fixtures.agent(0)
    conversation, external_id, after_seq = conversation_with_history(holder)
    token, cookie = fixtures.widget_token(external_id), fixtures.session_cookie(holder)
    with server("uvicorn", env) as (port, _):
        base, origin = f"ws://127.0.0.1:{port}", f"http://127.0.0.1:{port}"

        async def rounds():
            widget = [await widget_resume(base, token, after_seq) for _ in range(ROUNDS)]
            agent = [await agent_resume(base, origin, cookie, conversation, after_seq) for _ in range(ROUNDS)]
            return widget, agent

        widget, agent = asyncio.run(rounds())
    # The first round pays for cold caches; it is kept (a real reconnect may be cold too).
    return {
        "missed": MISSED,
        "rounds": ROUNDS,
        "widget": summary(widget),
        "agent": summary(agent),
        "widget_ms": widget,
        "agent_ms": agent,
    }
