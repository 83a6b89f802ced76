"""The broker's Redis restarted empty with work waiting in it: a customer's wrong-chain lookup and a webhook delivery.
The broker runs without persistence (as the tests' and many managed Redis do), so both tasks are gone; PostgreSQL
still has the work. A real `celery beat` runs the sweepers, a real worker completes each piece of work exactly once,
and the customer's walkthrough shows the result.

Real processes throughout: an ASGI server (the customer answers the walkthrough over HTTP), a private redis-server
on a free port (killed and restarted: nobody else uses it), a Celery worker and celery beat, PostgreSQL, anvil."""

import asyncio
import json
import os
import sys
import time
import urllib.request

import jwt
import pytest
import redis
from django.conf import settings
from web3 import Web3

from chat.models import Message
from recovery.models import Lookup, Walkthrough
from tests.conftest import require
from tests.reliability.harness import AsgiServer, Process, RedisServer
from tests.support.chains import token_transfer
from tests.support.servers import child_env_for_test_db, wait_until
from tests.tickets.receiver import webhook_receiver
from tickets import services as tickets_services
from tickets.models import TimelineEvent, WebhookDelivery

SWEEP_SECONDS, STALE_SECONDS = 1, 3


def http(server: AsgiServer, path: str, customer, body: dict | None = None) -> dict:
    token = jwt.encode({"sub": customer.external_id, "exp": int(time.time()) + 600}, settings.WIDGET_SECRET, "HS256")
    request = urllib.request.Request(
        server.origin + path,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def queued_messages(store: redis.Redis) -> int:
    return sum(store.llen(key) for key in store.keys("*") if store.type(key) == b"list")


@pytest.mark.chain
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_work_lost_with_the_broker_is_done_once_and_the_walkthrough_shows_it(
    local_chains, chains_env, customer, tmp_path
):
    require("redis", "postgres", "anvil")
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 75 * 10**6)
    broker = RedisServer().start()
    env = child_env_for_test_db() | {
        "REDIS_URL": broker.url,
        "HELPDESK_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "HELPDESK_STALE_SECONDS": str(STALE_SECONDS),
    }
    processes: list[Process] = [broker]
    with webhook_receiver() as receiver:
        tickets_services.webhook_endpoint_create(url=receiver.url, events=["recovery.lookup_started"])
        try:
            server = AsgiServer(env).start()
            processes.append(server)
            asyncio.run(server.up())
            started = http(server, "/recovery/walkthrough/start/", customer, {})
            answer = f"/recovery/walkthrough/{started['walkthrough']}/answer/"
            for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum"), ("txid", tx)):
                http(server, answer, customer, {"step": step, "value": value})
            walkthrough = Walkthrough.objects.get(pk=started["walkthrough"])
            assert walkthrough.step == Walkthrough.Step.LOOKING
            store = redis.Redis.from_url(broker.url)
            assert queued_messages(store) == 2  # the lookup and the webhook delivery, waiting for a worker

            broker.kill()  # SIGKILL: no save, no goodbye
            broker.start()  # the same port, empty
            assert queued_messages(store) == 0

            worker_args = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo"]
            worker_args += ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]
            beat_args = [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "--loglevel", "INFO"]
            beat_args += ["--schedule", str(tmp_path / "beat-schedule")]
            processes += [Process(worker_args, env, "worker-broker-restart").start()]
            processes += [Process(beat_args, env, "beat-broker-restart").start()]

            lookup = Lookup.objects.get(pk=walkthrough.lookup_id)
            done = wait_until(lambda: Lookup.objects.get(pk=lookup.pk).status == Lookup.Status.DONE, 120)
            assert done, "the lost lookup was never run"
            delivered = wait_until(lambda: WebhookDelivery.objects.get().status == "delivered", 60)
            assert delivered, "the lost webhook delivery was never made"
            # A few more sweeps: nothing runs a second time.
            time.sleep(3 * SWEEP_SECONDS + STALE_SECONDS)
            blocks = http(server, f"/recovery/lookups/{lookup.pk}/blocks/", customer)
        finally:
            for process in reversed(processes):
                process.stop()

    lookup.refresh_from_db()
    assert (lookup.verdict, lookup.attempts) == ("wrong_network_recoverable", 1)
    assert TimelineEvent.objects.filter(kind="recovery.lookup_finished").count() == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert [r.headers["X-Helpdesk-Delivery"] for r in receiver.requests] == [str(delivery.pk)]
    # The customer's walkthrough shows the result: the card was posted once, and the progress reads "done".
    assert Walkthrough.objects.get(pk=walkthrough.pk).step == Walkthrough.Step.RESULT
    cards = Message.objects.filter(conversation_id=walkthrough.conversation_id, kind="card").order_by("seq")
    results = [m.payload for m in cards if m.payload.get("verdict")]
    assert [r["verdict"] for r in results] == ["wrong_network_recoverable"]
    assert (blocks["status"], blocks["verdict"]) == ("done", "wrong_network_recoverable")
