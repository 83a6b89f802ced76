"""Counting customers' sockets (chat.customer_presence) costs the process one Redis client, not one per socket:
Django's `cache` is per async context, and each socket's task is its own (the idle-sockets benchmark measured
12 KiB and a Redis connection per idle widget socket before)."""

import os

import pytest
import redis
from channels.db import database_sync_to_async as sync_to_async

from chat import customer_presence
from tests.chat.helpers import widget_socket
from tests.conftest import require
from tickets.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)
SOCKETS = 30


def redis_connections() -> int:
    return len(redis.Redis.from_url(os.environ["REDIS_URL"]).client_list())


async def test_thirty_widget_sockets_share_one_redis_client_for_their_presence():
    require("redis", "postgres")
    first, _ = await widget_socket(sub="presence-0")  # warm: the channel layer's and the cache's own connections
    before = redis_connections()
    sockets = [first] + [(await widget_socket(sub=f"presence-{n}"))[0] for n in range(1, SOCKETS)]
    try:
        opened = redis_connections() - before
        assert opened < SOCKETS // 3, f"{opened} Redis connections for {SOCKETS - 1} more sockets"
        last = await sync_to_async(Customer.objects.get)(external_id=f"presence-{SOCKETS - 1}")
        assert await sync_to_async(customer_presence.is_connected)(last.pk)  # and they are counted
    finally:
        for socket in sockets:
            await socket.close()


def test_a_heartbeat_keeps_the_count_and_counts_a_lost_one_again():
    """One round trip per heartbeat (a script in Redis): a count that expired, or fell to zero when Redis forgot
    the socket that opened it, counts the beating socket again; a count of two stays two, its time renewed."""
    require("redis")
    from common.cache import shared as cache

    key = customer_presence._count_key(424242)
    cache.delete(key)
    customer_presence.socket_alive(424242)
    assert cache.get(key) == 1
    cache.set(key, 0, 5)
    customer_presence.socket_alive(424242)
    assert cache.get(key) == 1
    cache.set(key, 2, 5)
    customer_presence.socket_alive(424242)
    assert cache.get(key) == 2
    ttl = customer_presence._redis().ttl(cache.make_and_validate_key(key))
    assert customer_presence.TTL_SECONDS - 5 < ttl <= customer_presence.TTL_SECONDS
    cache.delete(key)
