"""Faults in the middle of a busy chat, on real processes: Redis restarted, a server process killed and started
again, PostgreSQL cut away. Afterwards every client's view equals the database: nothing lost, nothing twice."""

import asyncio
import json
import logging

import pytest

from tests.conftest import require
from tests.reliability.harness import AsgiServer, RedisServer
from tests.reliability.pgproxy import PgProxy
from tests.reliability.scenario import open_chats, server_env, settle_and_compare, stop_all, talk

pytestmark = pytest.mark.django_db(transaction=True)
log = logging.getLogger(__name__)


@pytest.fixture(autouse=True)
def _services():
    require("redis", "postgres")


def record(name: str, figures: dict) -> None:
    """Figures go to the test log and to docs/RELIABILITY.md by hand."""
    log.warning("%s: %s", name, json.dumps(figures))
    print(f"\n{name}: {json.dumps(figures)}")


async def test_redis_restarted_in_a_busy_chat_loses_and_duplicates_nothing(alice, bob):
    redis_server = RedisServer().start()
    env = server_env(REDIS_URL=redis_server.url)
    servers = [AsgiServer(env).start(), AsgiServer(env).start()]
    chats = None
    try:
        await asyncio.gather(*(s.up() for s in servers))
        chats = await open_chats(servers, [alice, bob], customers=4, tag="redis")
        talking = asyncio.create_task(talk(chats, rounds=20, interval=0.1))
        await asyncio.sleep(1.0)
        redis_server.kill()  # SIGKILL: nothing is saved, every channel and group is gone
        await asyncio.sleep(1.5)
        redis_server.start()
        await talking
        figures = await settle_and_compare(chats)
        assert figures["sent"] >= 20 * len(chats.clients)
        # No socket was closed (docs/RELIABILITY.md says so): the pub/sub layer reconnects and re-subscribes by
        # itself, and the nudges that failed meanwhile were filled from PostgreSQL.
        assert figures["connects"] == len(chats.clients)
        record("redis restart", figures)
    finally:
        if chats:
            await stop_all(chats)
        for server in servers:
            server.stop()
        redis_server.stop()


async def test_asgi_server_process_killed_and_restarted_on_its_port_loses_nothing(alice, bob):
    env = server_env()
    servers = [AsgiServer(env).start(), AsgiServer(env).start()]
    chats = None
    try:
        await asyncio.gather(*(s.up() for s in servers))
        chats = await open_chats(servers, [alice, bob], customers=4, tag="asgi")
        talking = asyncio.create_task(talk(chats, rounds=20, interval=0.1))
        await asyncio.sleep(1.0)
        servers[0].kill()  # SIGKILL: no clean close for anyone on it
        await asyncio.sleep(0.5)
        servers[0].start()
        await servers[0].up()
        await talking
        figures = await settle_and_compare(chats)
        on_killed = [c for c in chats.clients if c.server is servers[0]]
        assert all(c.connects >= 2 for c in on_killed), "every client of the killed process came back"
        record("asgi restart", figures)
    finally:
        if chats:
            await stop_all(chats)
        for server in servers:
            server.stop()


async def test_postgres_cut_gives_unavailable_errors_and_the_outbox_resends_everything(alice, bob):
    proxy = PgProxy()
    await proxy.start()
    env = server_env(DATABASE_URL=proxy.database_url(), HELPDESK_DB_CONN_MAX_AGE="60")
    servers = [AsgiServer(env).start()]
    chats = None
    try:
        await asyncio.gather(*(s.up() for s in servers))
        chats = await open_chats(servers, [alice, bob], customers=4, tag="pg")
        talking = asyncio.create_task(talk(chats, rounds=20, interval=0.1))
        await asyncio.sleep(1.0)
        proxy.cut()  # every open connection reset, new ones refused
        await asyncio.sleep(1.5)
        proxy.restore()
        await talking
        figures = await settle_and_compare(chats)
        assert figures["errors"]["unavailable"] > 0, "clients were told the database was unavailable"
        record("postgres cut", figures | {"connections_cut": proxy.cut_count})
    finally:
        if chats:
            await stop_all(chats)
        for server in servers:
            server.stop()
        await proxy.stop()
