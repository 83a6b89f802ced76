"""A few PostgreSQL connections used straight from the event loop, for the one statement of the chat's hot path.

Django's ORM is synchronous: every query from a websocket consumer goes to a thread and back. For a customer's
message that hop cost more than the statement itself (1.3 ms of 3.4 ms at 500 messages a second, with the GIL
contended between the loop and the threads; docs/BENCHMARKS.md). chat.services runs that one statement on these
connections instead; everything else keeps using the ORM.

The connections use the same settings as Django's (DATABASES["default"]) and autocommit; the statement text and
parameters are exactly the ORM path's, but run as a server-side prepared statement (PostgreSQL parses and plans it
once per connection: p99 at 1,000 chats went from 6.6 to 5.1-5.5 ms). A broken connection is dropped, not reused;
PostgreSQL errors surface as django.db errors so callers handle one family. (Behind PgBouncer in transaction
pooling mode, prepared statements need its `max_prepared_statements` setting, 1.21+.)
"""

import asyncio
import weakref
from contextlib import asynccontextmanager

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError

POOL_SIZE = 8
APPLICATION_NAME = "helpdesk-loop"  # how these connections show in pg_stat_activity

_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool]" = weakref.WeakKeyDictionary()


class _Pool:
    def __init__(self, size: int):
        self.slots = asyncio.Semaphore(size)
        self.idle: list[psycopg.AsyncConnection] = []


def available() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _connect_kwargs() -> dict:
    db = settings.DATABASES["default"]
    kwargs = {"dbname": db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    kwargs["application_name"] = APPLICATION_NAME
    kwargs.update(host=db.get("HOST") or None, port=db.get("PORT") or None)
    # libpq options (sslmode, …) as Django passes them; not Django's own keys.
    django_only = {"pool", "server_side_binding", "isolation_level", "assume_role", "cursor_factory", "context"}
    kwargs.update({k: v for k, v in db.get("OPTIONS", {}).items() if k not in django_only})
    return {k: v for k, v in kwargs.items() if v is not None}


async def _connect() -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(**_connect_kwargs(), autocommit=True)


def _pool() -> _Pool:
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None:
        pool = _pools[loop] = _Pool(POOL_SIZE)
    return pool


@asynccontextmanager
async def connection():
    pool = _pool()
    async with pool.slots:
        conn = pool.idle.pop() if pool.idle else None
        if conn is None or conn.closed:
            conn = await _connect()
        try:
            yield conn
        finally:
            if conn.closed or conn.broken:
                await conn.close()
            else:
                pool.idle.append(conn)


async def fetchone(sql: str, params: list) -> tuple | None:
    """Run one statement in its own transaction (autocommit) and return its first row."""
    try:
        async with connection() as conn:
            cursor = await conn.execute(sql, params, prepare=True)
            return await cursor.fetchone()
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(str(exc)) from exc
    except psycopg.Error as exc:
        raise DatabaseError(str(exc)) from exc


async def close_all() -> None:
    """Close this loop's connections (tests; a server process keeps them for its lifetime)."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    for conn in pool.idle if pool else ():
        await conn.close()
