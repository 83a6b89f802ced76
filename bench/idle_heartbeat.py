"""Idle customers as our widget keeps them: each socket says hello, then sends `{"type":"ping"}` every 20 s
(static/js/socket.js's heartbeat), and the server's CPU is read over a 20 s window. The idle-sockets benchmark
(bench/idle.py) holds quiet sockets; this one adds the heartbeat every real widget sends.

`python -m bench.idle_heartbeat [sockets] [0|1]` (1: with the heartbeat), with the BENCH_* stores set after
scripts/run-bench made them (docs/BENCHMARKS.md, "Idle sockets"); BENCH_PYSPY=<py-spy> profiles the window.
"""

import asyncio
import json
import os
import random
import subprocess
import sys
import time

from bench.env import OUT, django_setup

HEARTBEAT_S = 20
WINDOW_S = 20
CONCURRENCY = 100


async def _hold(port: int, tokens: list[str], heartbeat: bool) -> list[asyncio.Task]:
    from websockets.asyncio.client import connect

    gate = asyncio.Semaphore(CONCURRENCY)

    async def open_one(token: str):
        async with gate:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ws/widget/", max_queue=None, ping_interval=None, compression=None
            )
            await ws.send(json.dumps({"type": "hello", "token": token, "after_seq": 10**12}))
            await ws.recv()
            return ws

    async def beat(ws) -> None:
        await asyncio.sleep(random.uniform(0, HEARTBEAT_S))  # the widgets opened at different moments
        while True:
            await ws.send('{"type":"ping"}')
            await asyncio.sleep(HEARTBEAT_S)

    async def drain(ws) -> None:
        async for _frame in ws:
            pass

    sockets = await asyncio.gather(*(open_one(token) for token in tokens))
    tasks = [asyncio.create_task(drain(ws)) for ws in sockets]
    tasks += [asyncio.create_task(beat(ws)) for ws in sockets] if heartbeat else []
    await asyncio.sleep(HEARTBEAT_S + 2)  # every socket has beaten once: the steady state
    return tasks


def measure(env: dict, count: int, heartbeat: bool) -> dict:
    from bench import fixtures
    from bench.idle import customers
    from bench.procs import cpu_seconds, server

    tokens = [fixtures.widget_token(external_id) for external_id in customers(count)]
    with server("uvicorn", env) as (port, pid):
        loop = asyncio.new_event_loop()
        tasks = loop.run_until_complete(_hold(port, tokens, heartbeat))
        profiler = None
        if os.environ.get("BENCH_PYSPY"):
            out = OUT / f"profile-idle-heartbeat-{int(heartbeat)}.txt"
            command = [os.environ["BENCH_PYSPY"], "record", "-p", str(pid), "-d", str(WINDOW_S - 2), "-f", "raw"]
            profiler = subprocess.Popen([*command, "-o", str(out), "--gil"], stdout=subprocess.DEVNULL)
        before, started = cpu_seconds(pid), time.monotonic()
        loop.run_until_complete(asyncio.sleep(WINDOW_S))
        cpu = (cpu_seconds(pid) - before) / (time.monotonic() - started)
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        if profiler is not None:
            profiler.wait(30)
    return {"sockets": count, "heartbeat": heartbeat, "server_cpu": cpu}


if __name__ == "__main__":
    django_setup()
    from bench.env import bench_env

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    beating = (sys.argv[2] if len(sys.argv) > 2 else "1") == "1"
    row = measure(bench_env(), size, beating)
    print(json.dumps(row), f"server CPU {row['server_cpu'] * 100:.1f}%")
