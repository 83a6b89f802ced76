"""The stack's floor under the surge: what a new customer costs one uvicorn process running Channels with the Redis
channel layer before the product does any work of its own (docs/BENCHMARKS.md, "The surge").

The same clients as the surge (bench/surge_clients.py) meet a consumer that does only what no widget socket can go
without: the websocket handshake, the hello's signed token checked, the socket's channel subscribed to its customer's
group (so that replies reach it), a welcome, and an ack for the first message. No database, no queue, no offer.
`python -m bench.surge_floor [customers] [window]`; the server is `bench.surge_floor:application`.
"""

import json
import sys
from datetime import UTC, datetime

from django.apps import apps

from bench.env import django_setup

if not apps.ready:  # the server process, or this module run alone: the benchmark's environment (the same secrets)
    django_setup()

import jwt  # the imports below come after the set-up: the consumer reads settings
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from django.conf import settings
from django.urls import path


class FloorConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, frame, **kwargs):
        if frame.get("type") == "hello":
            claims = jwt.decode(frame["token"], settings.WIDGET_SECRET, algorithms=["HS256"])
            await self.channel_layer.group_add(f"floor-customer-{claims['sub'][:60]}", self.channel_name)
            await self.send_json({"type": "welcome", "conversation": None, "last_seq": 0})
        elif frame.get("type") == "send":
            await self.send_json({"type": "ack", "conversation": 0, "client_msg_id": frame["client_msg_id"], "seq": 1})


application = URLRouter([path("ws/widget/", FloorConsumer.as_asgi())])


def measure(env: dict, count: int, window: float) -> dict:
    from bench import surge
    from bench.procs import rss_bytes, server

    with server("floor", env) as (port, pid):
        parts = surge.spec_parts(port, count, window, [], 1 if count <= 1000 else 2, 0)
        results, server_cpu, cpu_used = surge.drive(parts, env, pid, window)
        rss = rss_bytes(pid)
    row = surge.analyse(results, count, window)
    row.update(server_cpu=server_cpu, server_rss_mib=rss / 2**20, server_cpu_ms_per_customer=cpu_used * 1000 / count)
    return row


if __name__ == "__main__":
    from bench.env import OUT, bench_env

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    result = measure(bench_env(), size, seconds)
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (OUT / f"surge-floor-{size}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "error_samples"}, indent=1))
