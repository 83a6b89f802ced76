"""The channel layer: channels_redis's pub/sub layer, with publishes sent in batches.

Why pub/sub and not channels_redis's default (core) layer (figures in docs/BENCHMARKS.md):
- The core layer stores each event in a Redis sorted set per process and pulls them one by one (BZPOPMIN plus a
  clean-up call per event), and drops group events once a process is 1,000 behind. At 1,000 chats (two events per
  message) that loop fell behind and dropped most events. Pub/sub pushes events down one connection per process.
- Our events are only nudges: a socket that misses one fills the gap from PostgreSQL (chat.consumers), and
  redis-py re-subscribes by itself after a Redis restart. The core layer's storage buys us nothing.

Why local delivery: a group event for sockets held by this process is put straight into their queues, and
published (for the other processes) with this process's 16-byte origin mark, which its own receiver skips. The
agent and the customer of a chat are usually on the same process; their messages then skip a Redis round trip.
Redis still sees every event, so other processes (more ASGI processes, a Celery worker's nudges) are unaffected.

Why a slim inbox per channel: channels_redis gives every channel an asyncio.Queue, 3.2 KiB each (four deques),
for a socket that holds at most a message or two at a time; with 10,000 idle sockets that was a tenth of the
process's memory per socket (docs/BENCHMARKS.md, Idle sockets).

Why batches: channels_redis publishes one event per round trip, under a lock shared by the whole process, so at
hundreds of messages a second the sends queue behind one another. Here every publish that arrives while a batch
is on the wire waits for the next batch: one pipeline (one write, one read) carries them all, in order. Each caller
still awaits its own publish, so a slow Redis slows the senders instead of queueing without end.
"""

import asyncio
import uuid
from collections import deque

from channels_redis import pubsub

ORIGIN_BYTES = 16


class BatchingShard(pubsub.RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._outgoing: list[tuple[str, bytes, asyncio.Future]] = []
        self._sender: asyncio.Task | None = None

    async def publish(self, channel, message):
        future = asyncio.get_running_loop().create_future()
        self._outgoing.append((channel, message, future))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._send_batches())
        await future

    async def _send_batches(self) -> None:
        while self._outgoing:
            batch, self._outgoing = self._outgoing, []
            try:
                self._ensure_redis()
                async with self._redis.pipeline(transaction=False) as pipe:
                    for channel, message, _ in batch:
                        pipe.publish(channel, message)
                    await pipe.execute()
            except Exception as exc:  # handed to every caller of this batch
                _settle(batch, exc)
            else:
                _settle(batch, None)

    def _receive_message(self, message):
        if message is not None:
            name = message["channel"]
            self.channel_layer.received(name.decode() if isinstance(name, bytes) else name, message["data"])

    async def flush(self):
        if self._sender is not None:
            self._sender.cancel()
            self._sender = None
        _settle(self._outgoing, ConnectionError("channel layer flushed"))
        self._outgoing = []
        await super().flush()


def _settle(batch, exc: BaseException | None) -> None:
    for _, _, future in batch:
        if future.done():  # its caller was cancelled meanwhile
            continue
        if exc is None:
            future.set_result(None)
        else:
            future.set_exception(exc)


class Inbox:
    """What a channel has received and not yet handed out: the part of asyncio.Queue the layer uses (put_nowait,
    get), without its four deques. One waiter at most: a channel has one reader (its consumer)."""

    __slots__ = ("items", "waiter")

    def __init__(self):
        self.items: deque | None = None
        self.waiter: asyncio.Future | None = None

    def put_nowait(self, item) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(item)  # nothing is buffered while someone waits: hand it over
            return
        if self.items is None:
            self.items = deque()
        self.items.append(item)

    async def get(self):
        if self.items:
            item = self.items.popleft()
            if not self.items:
                self.items = None
            return item
        self.waiter = asyncio.get_running_loop().create_future()
        return await self.waiter


class BatchingLoopLayer(pubsub.RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin = uuid.uuid4().bytes
        self._shards = [BatchingShard(shard.host, self) for shard in self._shards]

    async def _subscribe_to_channel(self, channel):
        self.channels[channel] = Inbox()
        await self._get_shard(channel).subscribe(channel)

    async def send(self, channel, message):
        data = self.channel_layer.serialize(message)
        if channel in self.channels:  # a specific channel lives in exactly one process: this one
            self.channels[channel].put_nowait(data)
            return
        await self._get_shard(channel).publish(channel, self.origin + data)

    async def group_send(self, group, message):
        group_channel = self._get_group_channel_name(group)
        data = self.channel_layer.serialize(message)
        self.deliver(group_channel, data)
        await self._get_shard(group_channel).publish(group_channel, self.origin + data)

    def deliver(self, name: str, data: bytes) -> None:
        if name in self.channels:
            self.channels[name].put_nowait(data)
        for channel in self.groups.get(name, ()):
            if channel in self.channels:
                self.channels[channel].put_nowait(data)

    def received(self, name: str, data: bytes) -> None:
        """An event from Redis: skip our own (already delivered locally), unwrap the others."""
        if data[:ORIGIN_BYTES] != self.origin:
            self.deliver(name, data[ORIGIN_BYTES:])


class RedisPubSubChannelLayer(pubsub.RedisPubSubChannelLayer):
    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = BatchingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            pubsub._wrap_close(self, loop)
        return layer
