"""/healthz: is every part the product needs usable right now?"""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from celery.exceptions import TimeoutError as CeleryTimeout
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu.exceptions import OperationalError as KombuError

WORKER_TIMEOUT = 3.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # a health check reports, it does not raise
        return f"down: {type(exc).__name__}"


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "health.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def check_channel_layer() -> str:
    try:
        async_to_sync(_layer_round_trip)()
        return "ok"
    except Exception as exc:
        return f"down: {type(exc).__name__}"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from helpdesk.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except (KombuError, OSError) as exc:
        return f"down: {type(exc).__name__}"


def check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from helpdesk.celery import ping

    result = None
    try:
        result = ping.apply_async(expires=WORKER_TIMEOUT)
        return "ok" if result.get(timeout=WORKER_TIMEOUT) == "pong" else "down"
    except (CeleryTimeout, KombuError, OSError):
        return "down"
    finally:
        if result is not None:
            # Stop listening for a reply that may never come (else the backend holds it until exit).
            result.backend.remove_pending_result(result)


@never_cache
def healthz(request):
    checks = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "broker": check_broker(),
        "worker": check_worker(),
    }
    usable = all(value in {"ok", "eager"} for value in checks.values())
    return JsonResponse({"status": "ok" if usable else "degraded", **checks}, status=200 if usable else 503)
