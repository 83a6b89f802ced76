"""The offline demo: two fresh local chains seeded with demo-alice's wrong-network deposit."""

import io
import json

import pytest
from django.core.management import call_command

from recovery import demo
from tests.conftest import require
from tests.support.chains import start_anvil


@pytest.mark.chain
@pytest.mark.django_db
def test_the_demo_chains_hold_a_wrong_network_a_credited_deposit_and_a_poisoning(tmp_path, settings):
    require("anvil")
    nodes = [start_anvil(1), start_anvil(56)]
    try:
        demo.seed(stdout=io.StringIO())
        out = io.StringIO()
        call_command(
            "demo_chains", "--ethereum", nodes[0].url, "--bsc", nodes[1].url, "--out", tmp_path / "c.toml", stdout=out
        )
        settings.CHAINS_FILE = str(tmp_path / "c.toml")
        txids = demo.demo_txids(settings.CHAINS_FILE)
        assert txids["wrong_network"] in out.getvalue()
        verdicts = {}
        for name, txid in txids.items():
            printed = io.StringIO()
            call_command("lookup_tx", txid, "--customer", "demo-alice", "--json", stdout=printed)
            verdicts[name] = json.loads(printed.getvalue())["verdict"]
    finally:
        for node in nodes:
            node.stop()
    assert verdicts == {
        "wrong_network": "wrong_network_recoverable",
        "credited": "credited_network",
        "poisoning": "address_poisoning",
    }


@pytest.mark.django_db
def test_seeding_twice_keeps_one_address():
    first = demo.alice_deposit_address()
    demo.seed(stdout=io.StringIO())
    assert demo.alice_deposit_address() == first
