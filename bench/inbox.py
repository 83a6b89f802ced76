"""Inbox: the agent queue (chat.selectors.queue_frame), the waiting customers' places (chat.waiting: every waiting
chat's position and the agents online, read once per refresh) and the ticket list page as open conversations grow.

Runs in the runner process, inside one transaction that is rolled back: 100, then 1,000, then 10,000 waiting
conversations (each with its customer and ticket) are added, and each size is measured.
"""

import time

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bench import fixtures
from bench.stats import summary
from chat import selectors, waiting

SIZES = (100, 1_000, 10_000)
ROUNDS = 30


class Rollback(Exception):
    pass


def timed(call, rounds: int = ROUNDS) -> tuple[dict, int]:
    """Latency summary of `rounds` calls, and the query count of one call."""
    queries = []
    # Counted with an execute wrapper: CaptureQueriesContext loses a request's queries (request_started resets it).
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return summary(times), len(queries)


def ticket_list(client: Client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"ticket list answered {response.status_code}")

    return call


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them in production (ANALYZE sees this transaction's rows)."""
    with connection.cursor() as cursor:
        for table in ("tickets_customer", "tickets_ticket", "chat_conversation"):
            cursor.execute(f"ANALYZE {table}")


def measure() -> dict:
    rows = []
    try:
        with transaction.atomic():
            agent = fixtures.agent(0)
            client = Client()
            client.force_login(agent)
            url = reverse("ticket_list")
            for size in SIZES:
                fixtures.bulk_conversations("bench-inbox", size)
                analyze()
                queue, queue_queries = timed(selectors.queue_frame)
                places, places_queries = timed(waiting._numbers)
                tickets, ticket_queries = timed(ticket_list(client, url))
                rows.append(
                    {
                        "open": size,
                        "queue": queue,
                        "queue_queries": queue_queries,
                        "waiting": places,
                        "waiting_queries": places_queries,
                        "tickets": tickets,
                        "ticket_queries": ticket_queries,
                    }
                )
            raise Rollback
    except Rollback:
        pass
    return {"rows": rows}
