"""The lookup task on a real Celery worker process: enqueued after the commit, progress pushed per chain."""

import os
import time
import uuid

import pytest
from web3 import Web3

from chat import services as chat_services
from recovery import services
from recovery.models import Lookup
from recovery.tasks import lookup_transaction
from tests.conftest import require
from tests.recovery.test_services import GroupListener
from tests.support.chains import token_transfer
from tickets import services as tickets_services


@pytest.mark.worker
@pytest.mark.chain
def test_a_lookup_runs_on_a_real_worker_and_pushes_each_chain(local_chains, chains_env, worker, customer):
    require("anvil", "redis", "postgres")
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    conversation = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="wrong network"
    ).message.conversation
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 42 * 10**6)
    listener = GroupListener(conversation.pk)

    lookup = services.lookup_start(txid=tx, customer=customer, conversation_id=conversation.pk)
    deadline = time.monotonic() + 30
    while Lookup.objects.get(pk=lookup.pk).status != Lookup.Status.DONE:
        assert time.monotonic() < deadline, "the worker did not finish the lookup"
        time.sleep(0.1)

    lookup.refresh_from_db()
    assert lookup.verdict == "wrong_network_recoverable" and lookup.attempts == 1
    assert lookup.findings.get(chain="bsc").amount == "42"
    frames = listener.frames()
    assert [f["card"] for f in frames] == [f"lookup-{lookup.pk}"] * 4
    # Delivered twice (a redelivery after a lost worker): the finished lookup is left as it is.
    assert lookup_transaction.delay(lookup.pk).get(timeout=20) == "wrong_network_recoverable"
    assert Lookup.objects.get(pk=lookup.pk).attempts == 1
