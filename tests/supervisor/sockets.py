"""Socket helpers for supervision tests, over the real ASGI router (helpdesk.asgi.application)."""

import json
import time
import uuid

import jwt
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from helpdesk.asgi import application
from tests.support.staff import signed_in_session_key

BACKGROUND = ("queue", "conversation", "typing", "read", "offer", "welcome")


def _session_key(user) -> str:
    return signed_in_session_key(user)


class Socket:
    def __init__(self, communicator: WebsocketCommunicator):
        self.c = communicator

    async def send(self, frame: dict) -> None:
        await self.c.send_to(text_data=json.dumps(frame))

    async def recv(self, timeout: float = 3) -> dict:
        return json.loads(await self.c.receive_from(timeout=timeout))

    async def until(self, frame_type: str, timeout: float = 3, **match) -> dict:
        """The next frame of this type (and these field values), skipping everything else."""
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == frame_type and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def drain(self, timeout: float = 0.5) -> list[dict]:
        frames = []
        while not await self.c.receive_nothing(timeout=timeout):
            frames.append(await self.recv())
        return frames

    async def close(self) -> None:
        await self.c.disconnect()


async def staff_socket(user) -> Socket:
    key = await database_sync_to_async(_session_key)(user)
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", f"sessionid={key}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, code = await communicator.connect()
    assert connected, f"agent socket refused ({code})"
    socket = Socket(communicator)
    await socket.until("queue")
    return socket


async def customer_socket(sub: str, name: str) -> Socket:
    token = jwt.encode(
        {"sub": sub, "name": name, "exp": int(time.time()) + 600}, settings.WIDGET_SECRET, algorithm="HS256"
    )
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    connected, _ = await communicator.connect()
    assert connected
    socket = Socket(communicator)
    await socket.send({"type": "hello", "token": token})
    await socket.until("welcome")
    return socket


def send_frame(body: str, *, conversation: int | None = None, kind: str = "text") -> dict:
    frame = {"type": "send", "client_msg_id": str(uuid.uuid4()), "body": body, "kind": kind}
    if conversation is not None:
        frame["conversation"] = conversation
    return frame
