"""Helpers for socket tests: tokens, sessions and communicators over the real ASGI router."""

import json
import time
import uuid
from datetime import timedelta

import jwt
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from helpdesk.asgi import application
from tests.support.staff import signed_in_session_key

ORIGIN = b"http://testserver"
# A process's first socket opens its database and Redis connections (0.6 s alone): on a loaded 2-core machine the
# communicator's default second was not always enough.
CONNECT_TIMEOUT = 5


def widget_token(sub: str = "cust-1", *, exp_in: int = 600, secret: str | None = None, **claims) -> str:
    payload = {"sub": sub, "exp": int(time.time()) + exp_in, "name": claims.pop("name", "Carla Customer"), **claims}
    return jwt.encode(payload, secret or settings.WIDGET_SECRET, algorithm="HS256")


def session_cookie(user) -> str:
    return signed_in_session_key(user)


class Socket:
    """A thin wrapper: send/receive JSON frames, wait for a frame of a given type."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.c = communicator

    async def send(self, frame: dict | str) -> None:
        await self.c.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 3) -> dict:
        return json.loads(await self.c.receive_from(timeout=timeout))

    async def expect(
        self,
        frame_type: str,
        timeout: float = 3,
        skip: tuple[str, ...] = ("queue", "conversation", "typing", "read", "offer"),
    ):
        """The next frame of `frame_type`, skipping background frames; fails on anything else. A customer's
        `waiting` frames (their place in line) are always background, unless asked for."""
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == frame_type:
                return frame
            if frame["type"] not in skip and frame["type"] != "waiting":
                raise AssertionError(f"expected {frame_type}, got {frame}")

    async def nothing(self, timeout: float = 0.5) -> bool:
        return await self.c.receive_nothing(timeout=timeout)

    async def drain(self, timeout: float = 0.3) -> list[dict]:
        frames = []
        while not await self.c.receive_nothing(timeout=timeout):
            frames.append(await self.recv())
        return frames

    async def close(self) -> None:
        await self.c.disconnect()


async def widget_socket(
    token: str | None = None, after_seq: int = 0, *, timeout: float | None = None, **claims
) -> tuple[Socket, dict]:
    """A customer's socket after hello. `timeout` (for the connect and the welcome; CONNECT_TIMEOUT and 3 s by
    default): the first socket of a test process waits for cold caches and connections, seconds on a busy machine."""
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    connected, _ = await communicator.connect(timeout=max(timeout or 0, CONNECT_TIMEOUT))
    assert connected
    socket = Socket(communicator)
    await socket.send({"type": "hello", "token": token or widget_token(**claims), "after_seq": after_seq})
    welcome = await socket.recv(timeout or 3)
    return socket, welcome


async def agent_socket(user, origin: bytes = ORIGIN, extra_headers=()) -> tuple[Socket, dict]:
    key = await sync_to_async(session_cookie)(user)
    headers = [(b"origin", origin), (b"host", b"testserver"), (b"cookie", f"sessionid={key}".encode())]
    headers += list(extra_headers)  # e.g. the browser's accept-language
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, code = await communicator.connect(timeout=CONNECT_TIMEOUT)
    assert connected, f"agent socket refused ({code})"
    socket = Socket(communicator)
    welcome = await socket.expect("welcome")
    await socket.expect("queue", skip=())
    return socket, welcome


def send_frame(body: str, conversation=None, client_msg_id=None, kind: str = "text") -> dict:
    frame = {"type": "send", "client_msg_id": str(client_msg_id or uuid.uuid4()), "body": body, "kind": kind}
    if conversation is not None:
        frame["conversation"] = conversation
    return frame


def waiting_conversations(
    count: int, *, prefix: str = "q", vip: str = "", name: str | None = None, preview: str = "help", start=None
) -> list:
    """`count` waiting conversations of new customers `<prefix>-<i>`, one a second from `start` (an hour ago by
    default), made in bulk: the rows the services would make, for queues too long to open one by one."""
    from chat.models import Conversation
    from tickets.models import Customer, Ticket

    start = start or timezone.now() - timedelta(hours=1)
    customers = Customer.objects.bulk_create(
        [Customer(external_id=f"{prefix}-{i}", name=name or f"{prefix} {i}", vip=vip) for i in range(count)]
    )
    tickets = Ticket.objects.bulk_create([Ticket(customer=c, subject=preview[:80]) for c in customers])
    priority = Conversation.QueuePriority.VIP if vip else Conversation.QueuePriority.NORMAL
    return Conversation.objects.bulk_create(
        [
            Conversation(
                ticket=t,
                customer=t.customer,
                preview=preview,
                queue_priority=priority,
                created_at=start + timedelta(seconds=i),
            )
            for i, t in enumerate(tickets)
        ]
    )
