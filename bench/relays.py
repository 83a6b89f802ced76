"""The two floors the chat is measured against, started as their own processes.

- bare: a minimal `websockets` server forwarding each customer frame to the agent socket that holds the
  conversation, and an ack to the customer.
- durable: the same, plus, before forwarding, one PostgreSQL INSERT + COMMIT and one Redis PUBLISH per message
  (the naive way to store before acknowledging), over a pool as large as the product's database thread pool.

Routes: /agent/<agent_id> and /customer/<conversation_id>/<agent_id>.
"""

import argparse
import asyncio
import contextlib
import json
import os

import psycopg
import redis.asyncio as aioredis
from websockets.asyncio.server import serve

POOL_SIZE = min(32, (os.cpu_count() or 1) + 4)  # what asyncio's default executor gives the product's threads
TABLE = """CREATE TABLE IF NOT EXISTS bench_relay_message (
    id bigserial PRIMARY KEY, conversation integer NOT NULL, body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())"""


class Store:
    """One INSERT + COMMIT and one PUBLISH per message: no batching, no cleverness."""

    def __init__(self, connections: list, redis):
        self.free: asyncio.Queue = asyncio.Queue()
        for connection in connections:
            self.free.put_nowait(connection)
        self.redis = redis

    @classmethod
    async def open(cls) -> "Store":
        url = os.environ["DATABASE_URL"]
        connections = [await psycopg.AsyncConnection.connect(url) for _ in range(POOL_SIZE)]
        async with connections[0].transaction():
            await connections[0].execute(TABLE)
        return cls(connections, aioredis.from_url(os.environ["REDIS_URL"]))

    async def save(self, conversation: int, text: str) -> None:
        connection = await self.free.get()
        try:
            await connection.execute(
                "INSERT INTO bench_relay_message (conversation, body) VALUES (%s, %s)", (conversation, text)
            )
            await connection.commit()
        finally:
            self.free.put_nowait(connection)
        await self.redis.publish("bench.relay", text)


class Relay:
    def __init__(self, store: Store | None):
        self.store = store
        self.agents: dict[int, object] = {}

    async def handle(self, websocket) -> None:
        parts = websocket.request.path.strip("/").split("/")
        if parts[0] == "agent":
            await self.agent(websocket, int(parts[1]))
        elif parts[0] == "customer":
            await self.customer(websocket, int(parts[1]), int(parts[2]))

    async def agent(self, websocket, agent_id: int) -> None:
        self.agents[agent_id] = websocket
        await websocket.send(json.dumps({"type": "welcome"}))
        with contextlib.suppress(Exception):
            async for _ in websocket:
                pass
        self.agents.pop(agent_id, None)

    async def customer(self, websocket, conversation: int, agent_id: int) -> None:
        await websocket.send(json.dumps({"type": "welcome", "conversation": conversation}))
        async for text in websocket:
            frame = json.loads(text)
            if self.store is not None:
                await self.store.save(conversation, frame["body"])
            agent = self.agents.get(agent_id)
            if agent is not None:
                await agent.send(text)
            await websocket.send(json.dumps({"type": "ack", "client_msg_id": frame["client_msg_id"]}))


async def main(kind: str, port: int) -> None:
    store = await Store.open() if kind == "durable" else None
    relay = Relay(store)
    async with serve(relay.handle, "127.0.0.1", port, max_queue=None, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["bare", "durable"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.kind, args.port))
