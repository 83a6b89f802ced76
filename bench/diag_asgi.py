"""Diagnosis only, never the product: the product's ASGI app with two changes to test where time goes.

- DIAG_FIRE_AND_FORGET=1 (default): chat.broadcast.send schedules group_send on the main loop and returns at once,
  instead of holding the database thread in async_to_sync until Redis has answered.
- DIAG_NO_CLOSE_OLD=1: Channels' per-event aclose_old_connections() (a thread hop before every handler) is skipped.

Started by bench.procs as the "uvicorn-diag" server kind.
"""

import asyncio
import os

from helpdesk.asgi import application as product

MAIN: dict = {}


def _fire_and_forget(group: str, event: dict) -> None:
    from channels.layers import get_channel_layer

    loop, layer = MAIN["loop"], get_channel_layer()
    loop.call_soon_threadsafe(lambda: loop.create_task(layer.group_send(group, event)))


async def _nothing() -> None:
    return None


def _patch() -> None:
    import channels.consumer

    from chat import broadcast

    if os.environ.get("DIAG_FIRE_AND_FORGET", "1") == "1":
        broadcast.send = _fire_and_forget
    if os.environ.get("DIAG_NO_CLOSE_OLD", "0") == "1":
        channels.consumer.aclose_old_connections = _nothing


_patch()


async def application(scope, receive, send):
    MAIN.setdefault("loop", asyncio.get_running_loop())
    return await product(scope, receive, send)
