"""New customers writing their first message through the real services, PER_SECOND of them on a fixed schedule, from
a process of their own, as a surge reaches a server (the queue-under-the-cursor browser tests):
`python -m tests.support.arrivals PREFIX PER_SECOND` with the test database's environment. Prints "ready" once its
threads are connected, then "arrived" for each first message stored; stops when its standard input closes. In the
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
                    print("arrived", flush=True)
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


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
