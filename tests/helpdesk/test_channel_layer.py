"""helpdesk.channel_layer on a real, private redis-server: two layer instances stand for two server processes."""

import asyncio
import uuid

import pytest
import redis

from helpdesk.channel_layer import Inbox, RedisPubSubChannelLayer
from tests.conftest import require
from tests.reliability.harness import RedisServer


@pytest.fixture
def redis_server():
    require("redis")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
async def layers(redis_server):
    """Two layer instances on the same Redis and prefix: two server processes."""
    prefix = f"t{uuid.uuid4().hex[:6]}"
    pair = [
        RedisPubSubChannelLayer(hosts=[{"address": redis_server.url, "socket_timeout": 15}], prefix=prefix)
        for _ in range(2)
    ]
    yield pair
    for layer in pair:
        await layer.flush()


async def far_member(here, there, group: str) -> "Listener":
    """A channel of `there` in `group`, listening; returns once an event from `here` has reached it."""
    far = await there.new_channel()
    await there.group_add(group, far)
    listener = Listener(there, far)
    listener.channel = far
    await here.group_send(group, {"type": "x", "n": -1})
    assert (await listener.next())["n"] == -1
    return listener


class Listener:
    """Reads a channel continuously, as a consumer does. (Cancelling the layer's receive() ends the channel, as
    Channels does when a consumer exits, so tests must not time out on it directly.)"""

    def __init__(self, layer, channel):
        self.got: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self._run(layer, channel))

    async def _run(self, layer, channel):
        while True:
            self.got.put_nowait(await layer.receive(channel))

    async def next(self, timeout=3.0):
        return await asyncio.wait_for(self.got.get(), timeout)

    async def nothing_more(self, wait=0.3) -> bool:
        await asyncio.sleep(wait)
        return self.got.empty()

    def stop(self):
        self.task.cancel()


async def test_a_group_event_reaches_members_in_both_processes_exactly_once(layers):
    here, there = layers
    far_got = await far_member(here, there, "chat.conv.1")
    near = await here.new_channel()
    await here.group_add("chat.conv.1", near)
    near_got = Listener(here, near)
    await here.group_send("chat.conv.1", {"type": "chat.message", "n": 1})
    assert await near_got.next() == {"type": "chat.message", "n": 1}  # delivered locally
    assert await far_got.next() == {"type": "chat.message", "n": 1}  # through Redis
    assert await near_got.nothing_more(), "its own Redis echo must not be delivered a second time"
    assert await far_got.nothing_more()
    near_got.stop()
    far_got.stop()


async def test_many_concurrent_sends_arrive_all_and_in_order(layers):
    here, there = layers
    far_got = await far_member(here, there, "g")
    # Sent together they share pipelines (batches); each caller's await still ends when its own is sent.
    await asyncio.gather(*(here.group_send("g", {"type": "x", "n": n}) for n in range(300)))
    got = [(await far_got.next())["n"] for _ in range(300)]
    assert got == list(range(300))
    # A direct send to a channel of the other process goes through Redis too.
    await here.send(far_got.channel, {"type": "direct"})
    assert await far_got.next() == {"type": "direct"}
    far_got.stop()


async def test_after_a_redis_restart_events_flow_again_without_rejoining(layers, redis_server):
    here, there = layers
    far_got = await far_member(here, there, "g")
    redis_server.kill()  # SIGKILL: Redis forgets every subscription
    await asyncio.sleep(0.5)
    with pytest.raises((redis.exceptions.ConnectionError, TimeoutError, OSError)):  # told to its caller
        await asyncio.wait_for(here.group_send("g", {"type": "x", "n": 1}), 10)
    redis_server.start()
    # No group_add again: redis-py re-subscribes the listening connection by itself when it reconnects.
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        await here.group_send("g", {"type": "x", "n": 2})
        try:
            event = await far_got.next(timeout=0.5)
            break
        except TimeoutError:
            assert asyncio.get_running_loop().time() < deadline, "events did not flow again after the restart"
    assert event["n"] == 2
    far_got.stop()


async def test_the_inbox_hands_over_in_order_and_keeps_what_a_cancelled_reader_missed():
    inbox = Inbox()
    inbox.put_nowait(1)
    inbox.put_nowait(2)
    assert [await inbox.get(), await inbox.get()] == [1, 2]
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait(3)  # handed straight to the waiting reader
    assert await reader == 3
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    reader.cancel()
    await asyncio.sleep(0)
    inbox.put_nowait(4)  # its reader is gone: kept for the next one
    assert await asyncio.wait_for(inbox.get(), 1) == 4
