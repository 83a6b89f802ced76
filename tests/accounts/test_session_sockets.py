"""The agent socket (the console's, and live monitoring's) refuses sessions that owe their second step or have
ended, and closes open sockets whose session ends."""

from datetime import timedelta

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import StaffSession
from accounts.services.sessions import staff_sessions_end
from helpdesk.asgi import application
from tests.chat.helpers import ORIGIN, agent_socket
from tests.support import staff

pytestmark = pytest.mark.django_db(transaction=True)


def _password_only_cookie(email: str, password: str) -> str:
    client = Client()
    assert client.post("/login/", {"username": email, "password": password}).status_code == 302
    return client.cookies["sessionid"].value


async def _connect(cookie: str) -> tuple[bool, int | None, WebsocketCommunicator]:
    headers = [(b"origin", ORIGIN), (b"host", b"testserver"), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, code = await communicator.connect()
    return connected, code, communicator


async def _closed_with(communicator: WebsocketCommunicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output.get("code")


async def test_a_password_only_supervisor_session_is_refused_by_the_agent_socket(sofia):
    await database_sync_to_async(staff.totp_device)(sofia)
    cookie = await database_sync_to_async(_password_only_cookie)("sofia@test.example", "pw-sofia-123")
    connected, code, communicator = await _connect(cookie)
    assert not connected and code == 4401
    await communicator.disconnect()


async def test_a_session_that_passed_the_second_step_is_accepted(sofia):
    socket, welcome = await agent_socket(sofia)
    assert welcome["type"] == "welcome"
    await socket.close()


async def test_an_open_socket_closes_when_its_session_is_ended_elsewhere(alice):
    socket, _ = await agent_socket(alice)
    row = await database_sync_to_async(StaffSession.objects.get)(user=alice)
    await database_sync_to_async(staff_sessions_end)(user=alice, ids=[row.pk], reason="ended_by_user")
    assert await _closed_with(socket.c) == 4401
    connected, code, again = await _connect(row.session_key)
    assert not connected and code == 4401
    await again.disconnect()


async def test_a_password_change_closes_the_other_sessions_sockets(alice):
    socket, _ = await agent_socket(alice)
    from accounts.services import staff_upsert

    await database_sync_to_async(staff_upsert)(email="alice@test.example", password="a-new-long-pw-9")
    assert await _closed_with(socket.c) == 4401


async def test_an_open_socket_refuses_the_first_frame_after_the_sessions_hours(alice, settings):
    settings.STAFF_SESSION_HOURS = 12
    socket, _ = await agent_socket(alice)
    await socket.send({"type": "ping"})
    assert (await socket.expect("pong"))["type"] == "pong"
    with time_machine.travel(timedelta(hours=12, minutes=1)):
        await socket.send({"type": "ping"})
        assert await _closed_with(socket.c) == 4401


async def test_a_session_past_its_hours_cannot_open_the_socket(alice, settings):
    settings.STAFF_SESSION_HOURS = 12
    cookie = await database_sync_to_async(staff.signed_in_session_key)(alice)
    with time_machine.travel(timedelta(hours=12, minutes=1)):
        connected, code, communicator = await _connect(cookie)
    assert not connected and code == 4401
    await communicator.disconnect()
