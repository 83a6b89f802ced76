"""Soak: forced reconnects (TCP cut, no close frame) while messages flow, then every client's history must equal
the database. `make test` runs a short one; `make soak` runs 1,000 reconnects (HELPDESK_SOAK_RECONNECTS)."""

import asyncio
import json
import os
import random
import time

import pytest

from tests.conftest import require
from tests.reliability.harness import AsgiServer
from tests.reliability.scenario import open_chats, server_env, settle_and_compare, stop_all, talk

RECONNECTS = int(os.environ.get("HELPDESK_SOAK_RECONNECTS", "100"))
CUSTOMERS = int(os.environ.get("HELPDESK_SOAK_CUSTOMERS", "4"))


async def force_reconnects(clients, count: int, gap: float) -> int:
    rng = random.Random(8)  # a fixed seed: the same run every time
    done = 0
    while done < count:
        if await rng.choice(clients).drop():
            done += 1
        await asyncio.sleep(gap)
    return done


@pytest.mark.django_db(transaction=True)
async def test_forced_reconnects_while_messages_flow_lose_and_duplicate_nothing(alice, bob):
    require("redis", "postgres")
    env = server_env()
    servers = [AsgiServer(env).start(), AsgiServer(env).start()]
    chats = None
    try:
        await asyncio.gather(*(s.up() for s in servers))
        chats = await open_chats(servers, [alice, bob], customers=CUSTOMERS, tag="soak")
        started = time.monotonic()
        reconnected = asyncio.Event()
        talking = asyncio.create_task(talk(chats, rounds=10, interval=0.2, until=reconnected))
        before = sum(c.connects for c in chats.clients)
        drops = await force_reconnects(chats.clients, RECONNECTS, gap=0.03)
        reconnected.set()
        await talking
        figures = await settle_and_compare(chats, timeout=120)
        after = sum(c.connects for c in chats.clients)
        assert drops == RECONNECTS
        assert after - before >= RECONNECTS, "every forced drop was followed by a reconnect"
        figures |= {"forced_reconnects": drops, "seconds": round(time.monotonic() - started, 1)}
        print(f"\nsoak: {json.dumps(figures)}")
    finally:
        if chats:
            await stop_all(chats)
        for server in servers:
            server.stop()
