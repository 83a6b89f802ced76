"""Nodes that die or crawl: a killed node makes the lookup `incomplete` (never `not_found`) and a retry then
succeeds; a slow node shows the chains are asked in parallel (wall time near the slowest chain, not the sum)."""

import os
import threading
import time

import pytest
from web3 import Web3

from recovery import services
from recovery.models import ChainFinding, Lookup
from tests.conftest import require
from tests.support.chains import DelayProxy, native_transfer, start_anvil, token_transfer
from tickets import services as tickets_services

pytestmark = [pytest.mark.chain, pytest.mark.django_db]


@pytest.fixture
def own_polygon():
    """A polygon node of this test's own, so killing it leaves the shared ones alone."""
    require("anvil")
    node = start_anvil(137)
    yield node
    node.stop()


def test_a_node_killed_mid_lookup_gives_incomplete_then_a_retry_succeeds(
    local_chains, own_polygon, chains_file, customer
):
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    tx = native_transfer(own_polygon, deposit, 2 * 10**18)
    state = own_polygon.rpc("anvil_dumpState")  # to bring the same chain back after the kill
    proxy = DelayProxy(target_port=own_polygon.port, delay=1.0)
    try:
        chains_file(urls={"polygon": proxy.url}, timeout=4)
        lookup = services.lookup_start(txid=tx, customer=customer, enqueue=False)
        # The proxy holds polygon's first request for a second; the node dies while the lookup waits on it.
        killer = threading.Timer(0.4, own_polygon.kill)
        killer.start()
        lookup = services.lookup_run(lookup_id=lookup.pk)
        killer.join()
        assert lookup.verdict == "incomplete"
        polygon = lookup.findings.get(chain="polygon")
        assert polygon.status == ChainFinding.Status.UNKNOWN and polygon.error
        assert set(lookup.findings.exclude(chain="polygon").values_list("status", flat=True)) == {"not_found"}

        restarted = start_anvil(137, own_polygon.port)
        own_polygon.process = restarted.process  # the fixture stops it by pid
        restarted.rpc("anvil_loadState", [state])
        proxy.delay = 0
        services.lookup_retry(lookup_id=lookup.pk)  # on commit: a no-op enqueue (eager tasks off here)
        lookup = services.lookup_run(lookup_id=lookup.pk)
    finally:
        proxy.stop()
    lookup.refresh_from_db()
    assert lookup.verdict == "wrong_network_unsupported" and lookup.attempts == 2
    polygon = lookup.findings.get(chain="polygon")
    assert polygon.status == "found" and polygon.amount == "2" and polygon.error == ""
    assert lookup.findings.count() == 3  # rewritten, not duplicated


def test_chains_are_asked_in_parallel(local_chains, chains_file, customer):
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, deposit, 10**6)
    # Ethereum (where the transaction is) needs ~6 requests, the others 2: polygon is still the slowest.
    delays = {"ethereum": 0.1, "bsc": 0.3, "polygon": 0.6}
    proxies = {key: DelayProxy(target_port=local_chains.nodes[key].port, delay=d) for key, d in delays.items()}
    try:
        chains_file(urls={key: proxy.url for key, proxy in proxies.items()}, timeout=20)
        lookup = services.lookup_start(txid=tx, customer=customer, enqueue=False)
        started = time.monotonic()
        services.lookup_run(lookup_id=lookup.pk)
        wall = time.monotonic() - started
    finally:
        for proxy in proxies.values():
            proxy.stop()
    elapsed = {f.chain: f.elapsed_ms / 1000 for f in ChainFinding.objects.filter(lookup=lookup)}
    requests = {key: proxy.requests for key, proxy in proxies.items()}
    print(
        f"\nparallel lookup: wall {wall:.2f} s, per chain {elapsed}, sum {sum(elapsed.values()):.2f} s, "
        f"requests {requests}"
    )
    assert Lookup.objects.get(pk=lookup.pk).verdict == "pending"
    slowest = max(elapsed.values())
    assert elapsed["polygon"] == slowest and slowest >= 0.6 * requests["polygon"] * 0.9
    assert wall < slowest + 0.5  # close to the slowest chain ...
    assert wall < 0.7 * sum(elapsed.values())  # ... and far from the sum of all three


def test_a_node_slower_than_the_timeout_is_unknown_not_not_found(local_chains, chains_file):
    proxy = DelayProxy(target_port=local_chains.nodes["bsc"].port, delay=2.0)
    try:
        chains_file(urls={"bsc": proxy.url}, timeout=0.5)
        lookup = services.lookup_start(txid="0x" + os.urandom(32).hex(), enqueue=False)
        started = time.monotonic()
        lookup = services.lookup_run(lookup_id=lookup.pk)
        wall = time.monotonic() - started
    finally:
        proxy.stop()
    bsc = lookup.findings.get(chain="bsc")
    assert bsc.status == "unknown" and "no answer within 0.5 s" in bsc.error
    assert lookup.verdict == "incomplete" and wall < 1.5


@pytest.mark.parametrize(("retries", "status"), [(0, "unknown"), (2, "not_found")])
def test_webs_retry_config_rides_over_a_dropped_connection(local_chains, chains_file, retries, status):
    proxy = DelayProxy(target_port=local_chains.nodes["bsc"].port, drop_connections=1)
    try:
        chains_file(urls={"bsc": proxy.url}, retries=retries)
        lookup = services.lookup_start(txid="0x" + os.urandom(32).hex(), enqueue=False)
        lookup = services.lookup_run(lookup_id=lookup.pk)
    finally:
        proxy.stop()
    assert lookup.findings.get(chain="bsc").status == status
    assert lookup.verdict == ("incomplete" if status == "unknown" else "not_found")
