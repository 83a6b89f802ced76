"""Two deployments on one Redis server, left at their defaults but for their database numbers (11 and 12), each with
its own PostgreSQL database, ASGI server, Celery worker, agent and customer: nothing of one reaches the other.

Redis pub/sub ignores the database number, so before the names were derived from it both deployments published
under `helpdesk`: each agent's queue showed the other deployment's customers. The Redis here is a private server on
a free port, so no other test or helper shares it."""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
import websockets
from channels.db import database_sync_to_async

from tests.chat.helpers import session_cookie, widget_token
from tests.conftest import ROOT, require
from tests.reliability.harness import AsgiServer, Process, RedisServer
from tests.support import instance
from tests.support.servers import child_env_for_test_db, wait_until

# Settings a developer's shell (or this test run) may carry: a deployment left at its defaults has none of them.
OVERRIDES = ("HELPDESK_CHANNEL_PREFIX", "HELPDESK_CELERY_QUEUE", "HELPDESK_INSTANCE", "CELERY_BROKER_URL")
PROBES = 5


def deployment_env(base: dict, redis_port: int, db: int, database_url: str) -> dict:
    env = {key: value for key, value in base.items() if key not in OVERRIDES}
    env.update(REDIS_URL=f"redis://127.0.0.1:{redis_port}/{db}", DATABASE_URL=database_url)
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    return env


def start_worker(env: dict, name: str) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo"]
    args += ["-I", "tests.support.instance", "--loglevel", "INFO", "-n", f"{name}@%h"]
    return Process(args, env, f"worker-{name}").start()


class Recorder:
    """One socket and every frame it received, in the background."""

    def __init__(self, ws):
        self.ws, self.frames = ws, []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            self.frames.append(json.loads(raw))

    async def until(self, predicate, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for frame in self.frames[seen:]:
                if predicate(frame):
                    return frame
            seen = len(self.frames)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no such frame in {self.frames}")

    def text(self) -> str:
        return json.dumps(self.frames, ensure_ascii=False)


async def open_customer(server: AsgiServer, sub: str, name: str) -> Recorder:
    customer = Recorder(await websockets.connect(f"{server.ws}/ws/widget/"))
    await customer.ws.send(json.dumps({"type": "hello", "token": widget_token(sub, name=name)}))
    await customer.until(lambda f: f["type"] == "welcome")
    return customer


async def open_agent(server: AsgiServer, cookie: str) -> Recorder:
    ws = await websockets.connect(
        f"{server.ws}/ws/agent/", origin=server.origin, additional_headers={"Cookie": f"sessionid={cookie}"}
    )
    agent = Recorder(ws)
    await agent.until(lambda f: f["type"] == "welcome")
    return agent


async def chat(customer: Recorder, agent: Recorder, words: str) -> int:
    """The customer writes; the agent sees them waiting, accepts and answers."""
    await customer.ws.send(json.dumps({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": f"{words}?"}))
    conversation = (await customer.until(lambda f: f["type"] == "ack"))["conversation"]
    await agent.until(lambda f: f["type"] == "queue" and conversation in [c["id"] for c in f["conversations"]])
    await agent.ws.send(json.dumps({"type": "accept", "conversation": conversation}))
    await agent.until(lambda f: f["type"] == "conversation" and f["status"] == "active")
    reply = {"type": "send", "conversation": conversation, "client_msg_id": str(uuid.uuid4()), "body": f"{words}!"}
    await agent.ws.send(json.dumps(reply))
    await customer.until(lambda f: f["type"] == "message" and f["body"] == f"{words}!")
    return conversation


def probes_ran(store: redis.Redis, token: str) -> list[str]:
    wait_until(lambda: store.llen(f"probe:{token}") >= PROBES, 60)
    time.sleep(1)  # a task taken by the wrong worker would have been recorded by now too
    return [name.decode() for name in store.lrange(f"probe:{token}", 0, -1)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
async def test_two_deployments_on_one_redis_server_see_nothing_of_each_other(alice):
    require("redis", "postgres")
    base = await database_sync_to_async(child_env_for_test_db)()
    redis_server = RedisServer().start()
    envs = [
        deployment_env(base, redis_server.port, 11, base["DATABASE_URL"]),
        deployment_env(base, redis_server.port, 12, base["DATABASE_URL"] + "_other"),
    ]
    databases = [url.rsplit("/", 1)[1] for url in (envs[0]["DATABASE_URL"], envs[1]["DATABASE_URL"])]
    processes: list[Process] = []
    sockets: list[Recorder] = []
    try:
        await asyncio.to_thread(instance.database_create, envs[1])
        cookies = [
            await database_sync_to_async(session_cookie)(alice),
            await asyncio.to_thread(instance.run, envs[1], "agent", "bob@test.example"),
        ]
        servers = [AsgiServer(env).start() for env in envs]
        processes += servers
        processes += [start_worker(env, name) for env, name in zip(envs, "ab", strict=True)]
        await asyncio.gather(*(server.up() for server in servers))

        agents = [await open_agent(server, cookie) for server, cookie in zip(servers, cookies, strict=True)]
        customers = [
            await open_customer(servers[0], "cust-a", "Ana of deployment A"),
            await open_customer(servers[1], "cust-b", "Ben of deployment B"),
        ]
        sockets += agents + customers
        await chat(customers[0], agents[0], "words of A")
        await chat(customers[1], agents[1], "words of B")

        store = redis.Redis(port=redis_server.port, db=0)  # neither deployment's database: a neutral record
        tokens = [uuid.uuid4().hex, uuid.uuid4().hex]
        record = f"redis://127.0.0.1:{redis_server.port}/0"
        for env, token in zip(envs, tokens, strict=True):
            await asyncio.to_thread(instance.run, env, "probe", token, str(PROBES), record)
        ran = [await asyncio.to_thread(probes_ran, store, token) for token in tokens]
        await asyncio.sleep(1)  # any frame that was going to cross has crossed by now
    finally:
        for socket in sockets:
            await socket.ws.close()
        for process in processes:
            process.stop()
        redis_server.kill()
        await asyncio.to_thread(instance.database_drop, envs[1])

    # Each deployment's tasks ran on its own worker, every one of them.
    assert ran == [[databases[0]] * PROBES, [databases[1]] * PROBES]
    # Not one frame crossed: neither the other's customer in a queue, nor their words, nor their agent's.
    marks = [("Ana of deployment A", "words of A"), ("Ben of deployment B", "words of B")]
    for mine, theirs in ((0, 1), (1, 0)):
        for socket in (agents[mine], customers[mine]):
            assert all(mark not in socket.text() for mark in marks[theirs]), socket.frames
        assert any(marks[mine][0] in json.dumps(f) for f in agents[mine].frames if f["type"] == "queue")


def test_every_name_a_deployment_gives_redis_starts_with_its_namespace():
    env = deployment_env(dict(os.environ), 6379, 12, "postgres://postgres@127.0.0.1:5432/unused")
    env["HELPDESK_INSTANCE"] = "staging"
    script = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CHANNEL_LAYERS['default']['CONFIG']['prefix'], s.CELERY_TASK_DEFAULT_QUEUE,"
        "s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'],"
        "s.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS['global_keyprefix'], s.CACHES['default']['KEY_PREFIX']]))"
    )
    command = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    env["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
    names = json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    assert names == [
        "helpdesk.db12.staging.",
        "helpdesk.db12.staging",
        "helpdesk.db12.staging:",
        "helpdesk.db12.staging:",
        "helpdesk.db12.staging.cache",
    ]
