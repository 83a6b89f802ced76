"""New customers writing their first message, PER_SECOND of them on a fixed schedule, from a process of their own, as a
surge reaches a server (the queue-under-the-cursor browser tests).

`python -m tests.support.arrivals PREFIX PER_SECOND` with the test database's environment: through the services, as
an HTTP request or a task would (each first message then rebuilds the queue frame where it is stored: about 10 a
second from one process on 2 cores). `python -m tests.support.arrivals PREFIX PER_SECOND ws://HOST:PORT`: as
customers do, each through its own widget socket (hello, then the first message; the server coalesces the queue
refreshes), the sockets left open. Prints "ready" once its
threads are connected, then "arrived <time.monotonic()>" for each first message stored (the clock is the machine's,
so the test reads the rate over a window of its own); stops when its standard input closes. In the
test's own process the services shared one interpreter lock with the server and the browser driver and reached
8-12 a second of the 20 asked."""

import itertools
import os
import sys
import threading
import time
import uuid

WORKERS = 6


def main(prefix: str, per_second: float) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from django.db import connection

    from chat import services
    from tickets import services as tickets_services

    stop, lock, numbers, clock = threading.Event(), threading.Lock(), itertools.count(), {}
    ready = threading.Barrier(WORKERS + 1, action=lambda: clock.setdefault("start", time.monotonic()))

    def post(external_id: str, name: str) -> None:
        customer = tickets_services.customer_upsert(external_id=external_id, name=name)
        services.customer_message_post(
            customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="withdrawals halted"
        )

    def arrive() -> None:
        post(f"{prefix}-warm-{threading.get_ident()}", "Warming up")  # first queries, connections: before the clock
        ready.wait(30)
        try:
            while not stop.is_set():
                n = next(numbers)
                if stop.wait(max(0.0, clock["start"] + n / per_second - time.monotonic())):
                    return
                post(f"{prefix}-{n}", f"Newcomer {n}")
                with lock:
                    print(f"arrived {time.monotonic():.6f}", flush=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive, daemon=True) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    ready.wait(30)
    print("ready", flush=True)
    sys.stdin.read()
    stop.set()
    for thread in threads:
        thread.join(30)


async def by_sockets(base: str, prefix: str, per_second: float) -> None:
    """Each arrival: a widget socket says hello with a signed token and sends a first message; "arrived" at its ack."""
    import asyncio
    import json

    import jwt
    from websockets.asyncio.client import connect

    secret, opened = os.environ["HELPDESK_WIDGET_SECRET"], []

    async def arrive(n: int, report: bool = True) -> None:
        claims = {"sub": f"{prefix}-{n}", "name": f"Newcomer {n}", "exp": int(time.time()) + 600}
        ws = await connect(f"{base}/ws/widget/", ping_interval=None, open_timeout=30)
        opened.append(ws)
        await ws.send(json.dumps({"type": "hello", "token": jwt.encode(claims, secret, algorithm="HS256")}))
        await ws.send(json.dumps({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "withdrawals halted"}))
        while json.loads(await ws.recv())["type"] != "ack":
            pass
        if report:
            print(f"arrived {time.monotonic():.6f}", flush=True)

    await arrive(-1, report=False)  # the first connect and queries: before the clock
    print("ready", flush=True)
    loop, tasks, start = asyncio.get_running_loop(), [], time.monotonic()
    closed = loop.run_in_executor(None, sys.stdin.read)
    for n in itertools.count():
        await asyncio.wait([closed], timeout=max(0.0, start + n / per_second - time.monotonic()))
        if closed.done():
            break
        tasks.append(asyncio.create_task(arrive(n)))
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)


if __name__ == "__main__":
    if len(sys.argv) > 3:
        import asyncio

        asyncio.run(by_sockets(sys.argv[3], sys.argv[1], float(sys.argv[2])))
    else:
        main(sys.argv[1], float(sys.argv[2]))
