"""Diagnostic only (not the product): the product with chat.broadcast.send made fire-and-forget on the main loop."""

import asyncio
import logging
import os

import channels.consumer
from channels.layers import get_channel_layer

from chat import broadcast
from helpdesk.asgi import application as inner

log = logging.getLogger(__name__)
MAIN = {}


def send(group, event):
    loop = MAIN["loop"]
    layer = get_channel_layer()
    loop.call_soon_threadsafe(lambda: loop.create_task(layer.group_send(group, event)))


if os.environ.get("DIAG_FIRE_AND_FORGET", "1") == "1":
    broadcast.send = send
if os.environ.get("DIAG_NO_CLOSE_OLD", "0") == "1":

    async def _nothing():
        return None

    channels.consumer.aclose_old_connections = _nothing


async def application(scope, receive, send_):
    MAIN.setdefault("loop", asyncio.get_running_loop())
    return await inner(scope, receive, send_)
