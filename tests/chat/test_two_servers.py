"""Two ASGI server processes behind one Redis and one PostgreSQL: a customer on one, the agent on the other."""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import websockets
from channels.db import database_sync_to_async

from tests.chat.helpers import session_cookie, widget_token
from tests.conftest import ROOT, require
from tests.support.servers import child_env_for_test_db, free_port


def _start_server(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "helpdesk.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


async def _until(ws, predicate, timeout: float = 5) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if predicate(frame):
                return frame


@pytest.mark.django_db(transaction=True)
async def test_a_chat_spans_two_server_processes(alice):
    require("redis", "postgres")
    env = await database_sync_to_async(child_env_for_test_db)()
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    ports = [free_port(), free_port()]
    servers = [_start_server(port, env) for port in ports]
    try:
        await asyncio.gather(*(_wait_until_up(port) for port in ports))
        cookie = await database_sync_to_async(session_cookie)(alice)
        agent_url = f"ws://127.0.0.1:{ports[1]}/ws/agent/"
        async with (
            websockets.connect(f"ws://127.0.0.1:{ports[0]}/ws/widget/") as customer,
            websockets.connect(
                agent_url, origin=f"http://127.0.0.1:{ports[1]}", additional_headers={"Cookie": f"sessionid={cookie}"}
            ) as agent,
        ):
            await customer.send(json.dumps({"type": "hello", "token": widget_token()}))
            await _until(customer, lambda f: f["type"] == "welcome")
            await customer.send(json.dumps({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "from A"}))
            ack = await _until(customer, lambda f: f["type"] == "ack")
            conversation_id = ack["conversation"]

            await _until(
                agent, lambda f: f["type"] == "queue" and any(c["id"] == conversation_id for c in f["conversations"])
            )
            await agent.send(json.dumps({"type": "accept", "conversation": conversation_id}))
            await _until(agent, lambda f: f["type"] == "conversation" and f["status"] == "active")
            await agent.send(
                json.dumps(
                    {
                        "type": "send",
                        "conversation": conversation_id,
                        "client_msg_id": str(uuid.uuid4()),
                        "body": "from B",
                    }
                )
            )
            got = await _until(customer, lambda f: f["type"] == "message" and f["body"] == "from B")
            assert got["author"]["role"] == "agent"

            await customer.send(
                json.dumps(
                    {
                        "type": "send",
                        "conversation": conversation_id,
                        "client_msg_id": str(uuid.uuid4()),
                        "body": "back to B",
                    }
                )
            )
            got = await _until(agent, lambda f: f["type"] == "message" and f["body"] == "back to B")
            assert got["conversation"] == conversation_id
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
    assert os.environ.get("REDIS_URL")
