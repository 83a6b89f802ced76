"""A few PostgreSQL connections used straight from the event loop, for the one statement of the chat's hot path.

Django's ORM is synchronous: every query from a websocket consumer goes to a thread and back. For a customer's
message that hop cost more than the statement itself (1.3 ms of 3.4 ms at 500 messages a second, with the GIL
contended between the loop and the threads; docs/BENCHMARKS.md). chat.services runs that one statement on these
connections instead; everything else keeps using the ORM.

The connections use the same settings as Django's (DATABASES["default"]) and autocommit; the statement text and
parameters are exactly the ORM path's, but run as a server-side prepared statement (PostgreSQL parses and plans it
once per connection: p99 at 1,000 chats went from 6.6 to 5.1-5.5 ms). PostgreSQL errors surface as django.db errors
so callers handle one family.

The connections come from psycopg_pool (one pool per event loop): a connect timeout, a maximum lifetime, and a
health check before handing out a connection that sat idle (a busy connection is not pinged: that would cost every
message a round trip). A statement that fails because its connection broke (PostgreSQL restarted, a proxy cut it)
is run once more on a fresh connection: safe, because a message's client_msg_id is unique, so a statement that did
commit before the break is refused the second time and the caller finds the original. (Behind PgBouncer in transaction
pooling mode, prepared statements need its `max_prepared_statements` setting, 1.21+.)
"""

import asyncio
import time
import weakref
from contextlib import asynccontextmanager

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError
from psycopg_pool import AsyncConnectionPool, PoolTimeout

POOL_SIZE = 8
APPLICATION_NAME = "helpdesk-loop"  # how these connections show in pg_stat_activity
CONNECT_TIMEOUT_SECONDS = 5
MAX_LIFETIME_SECONDS = 30 * 60
MAX_IDLE_SECONDS = 10 * 60
CHECK_AFTER_IDLE_SECONDS = 5  # a connection unused this long is pinged before use

_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncConnectionPool]" = weakref.WeakKeyDictionary()
_last_used: "weakref.WeakKeyDictionary[psycopg.AsyncConnection, float]" = weakref.WeakKeyDictionary()


def available() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _connect_kwargs() -> dict:
    db = settings.DATABASES["default"]
    kwargs = {"dbname": db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    kwargs["application_name"] = APPLICATION_NAME
    kwargs.update(host=db.get("HOST") or None, port=db.get("PORT") or None)
    kwargs["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    # libpq options (sslmode, …) as Django passes them; not Django's own keys.
    django_only = {"pool", "server_side_binding", "isolation_level", "assume_role", "cursor_factory", "context"}
    kwargs.update({k: v for k, v in db.get("OPTIONS", {}).items() if k not in django_only})
    kwargs["autocommit"] = True
    return {k: v for k, v in kwargs.items() if v is not None}


async def _stamp(conn: psycopg.AsyncConnection) -> None:
    _last_used[conn] = time.monotonic()  # a new connection needs no check


async def _check_if_idle(conn: psycopg.AsyncConnection) -> None:
    if time.monotonic() - _last_used.get(conn, 0.0) > CHECK_AFTER_IDLE_SECONDS:
        await AsyncConnectionPool.check_connection(conn)


async def _pool() -> AsyncConnectionPool:
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None:
        pool = _pools[loop] = AsyncConnectionPool(
            kwargs=_connect_kwargs(),
            min_size=0,  # connect on first use: most processes that import this never send a customer message
            max_size=POOL_SIZE,
            open=False,
            configure=_stamp,
            check=_check_if_idle,
            timeout=CONNECT_TIMEOUT_SECONDS * 2,
            max_lifetime=MAX_LIFETIME_SECONDS,
            max_idle=MAX_IDLE_SECONDS,
            name=APPLICATION_NAME,
        )
        await pool.open()
    return pool


@asynccontextmanager
async def connection():
    pool = await _pool()
    try:
        async with pool.connection() as conn:
            yield conn
            _last_used[conn] = time.monotonic()
    except PoolTimeout as exc:
        raise DatabaseError(f"no database connection: {exc}") from exc


async def fetchone(sql: str, params: list) -> tuple | None:
    """Run one statement in its own transaction (autocommit) and return its first row. Once more on a fresh
    connection if the first one turned out to be broken (see the module's docstring for why that is safe)."""
    for attempt in (1, 2):
        conn = None
        try:
            async with connection() as conn:
                cursor = await conn.execute(sql, params, prepare=True)
                return await cursor.fetchone()
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        except psycopg.OperationalError as exc:
            if attempt == 2 or conn is None or not conn.broken:
                raise DatabaseError(str(exc)) from exc
        except psycopg.Error as exc:
            raise DatabaseError(str(exc)) from exc
    raise AssertionError("unreachable")


async def close_all() -> None:
    """Close this loop's pool (tests; a server process keeps it for its lifetime)."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    if pool is not None:
        await pool.close()
