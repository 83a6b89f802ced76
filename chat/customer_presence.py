"""Whether a customer has a widget socket open anywhere (any server process), and since when they have none.

A count per customer in the shared cache (Redis in production): +1 when a socket says hello, -1 when it closes,
kept alive by each socket's heartbeat (every 20 s) and forgotten TTL seconds after the last one. A server that dies
with sockets open cannot take them off the count: the count then lasts until its TTL, a minute at most.
Read by chat.replies (the chat.reply_waiting webhook: never sent while the customer is connected). Informational
only, like agents' presence: nothing here moves or ends a chat.

Best effort: the cache going away (Redis restarting) must never close a customer's socket. Counting then fails
quietly (the heartbeat counts the socket again once the cache is back), and a customer whose state cannot be read
counts as connected, so the reply-waiting check waits and asks again rather than sending too early.
"""

import functools
import logging
import time

from redis.exceptions import RedisError

from common.cache import shared as cache

log = logging.getLogger(__name__)


def _best_effort(default):
    def wrap(function):
        @functools.wraps(function)
        def call(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (RedisError, OSError) as exc:
                log.warning("customer presence not counted (%s): %s", function.__name__, exc)
                return default

        return call

    return wrap


TTL_SECONDS = 60  # three widget heartbeats


def _count_key(customer_id: int) -> str:
    return f"chat:customer-sockets:{customer_id}"


def _left_key(customer_id: int) -> str:
    return f"chat:customer-left:{customer_id}"


# A heartbeat in one round trip: a count that is missing or not above zero (expired, a restarted Redis) counts this
# socket again; otherwise the count lives on. (The cache stores integers as plain numbers.)
ALIVE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n == nil or n <= 0 then redis.call('SET', KEYS[1], 1, 'EX', ARGV[1]) else redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1
"""


@functools.cache
def _clients():
    """(the redis-py client behind the cache, the ALIVE script on it), made once for the process: Django's cache
    builds a new client for every call. (None, None) for the embedded demo's in-process cache."""
    backend = getattr(cache, "_cache", None)
    client = backend.get_client(write=True) if hasattr(backend, "get_client") else None
    return client, client.register_script(ALIVE) if client is not None else None


def _redis():
    return _clients()[0]


@_best_effort(None)
def socket_opened(customer_id: int) -> None:
    key = _count_key(customer_id)
    redis = _redis()
    if redis is not None:  # one round trip, on every hello (a surge is thousands a minute): a missing count starts at 0
        full = cache.make_and_validate_key(key)
        redis.pipeline(transaction=False).incr(full).expire(full, TTL_SECONDS).execute()
        return
    cache.add(key, 0, TTL_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # it expired in between
        cache.set(key, 1, TTL_SECONDS)
    cache.touch(key, TTL_SECONDS)


@_best_effort(None)
def socket_alive(customer_id: int) -> None:
    """A heartbeat: the count lives on. A count lost (expired, a restarted cache) counts this socket again."""
    key = _count_key(customer_id)
    client, alive = _clients()
    if client is not None:  # every 20 s from every customer socket: one round trip (ALIVE)
        alive(keys=[cache.make_and_validate_key(key)], args=[TTL_SECONDS])
        return
    if (cache.get(key) or 0) <= 0:
        cache.set(key, 1, TTL_SECONDS)
    else:
        cache.touch(key, TTL_SECONDS)


@_best_effort(0)
def socket_closed(customer_id: int) -> int:
    """Take one socket off the count; when none is left, remember when the customer left. Returns what is left."""
    key = _count_key(customer_id)
    try:
        left = cache.decr(key)
    except ValueError:  # expired: nobody counted
        left = 0
    if left <= 0:
        cache.set(_left_key(customer_id), time.time(), 24 * 3600)
    return max(left, 0)


@_best_effort(True)
def is_connected(customer_id: int) -> bool:
    return (cache.get(_count_key(customer_id)) or 0) > 0


@_best_effort(None)
def left_at(customer_id: int) -> float | None:
    """When the customer's last socket closed (seconds since the epoch), if known."""
    return cache.get(_left_key(customer_id))
