"""One scenario per verdict, on fresh local chains (anvil ids 1, 56, 137), through `lookup_tx --json`."""

import io
import json
import os

import pytest
from django.core.management import call_command
from web3 import Web3

from tests.conftest import require
from tests.support.chains import native_transfer, token_transfer
from tickets import services as tickets_services

pytestmark = [pytest.mark.chain, pytest.mark.django_db]
ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # anvil account 1: ETH, but no tokens
SOL_SIG = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"


def fresh_address() -> str:
    return Web3.to_checksum_address(os.urandom(20))


def lookup_tx(txid: str, *options: str) -> dict:
    out = io.StringIO()
    call_command("lookup_tx", txid, *options, "--json", stdout=out)
    return json.loads(out.getvalue())


def on(result: dict, chain: str) -> dict:
    return next(f for f in result["findings"] if f["chain"] == chain)


@pytest.fixture
def deposit(customer, chains_file):
    """The customer's deposit address, registered on Ethereum (EVM: the same address exists on every chain)."""
    require("anvil")
    address = fresh_address()
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=address)
    return address


def mine(local_chains, chain: str, blocks: int) -> None:
    local_chains.nodes[chain].rpc("anvil_mine", [hex(blocks)])


def test_credited_network(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, deposit, 25_500_000)
    mine(local_chains, "ethereum", 3)
    result = lookup_tx(tx, "--customer", customer.external_id, "--expected-chain", "ethereum")
    assert result["verdict"] == "credited_network"
    assert result["txid"] == tx and result["input_format"] == "evm_hash" and result["unreachable"] == []
    found = on(result, "ethereum")
    assert found["status"] == "found" and found["chain_id"] == 1 and found["confirmations"] == 4
    assert found["asset"] == {"kind": "erc20", "symbol": "USDT", "contract": local_chains.usdt, "amount": "25.5"}
    assert found["to"] == deposit.lower() and found["to_customer_chain"] == "ethereum"
    assert found["to_is_contract"] is False
    assert found["from"] == "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
    assert on(result, "bsc")["status"] == on(result, "polygon")["status"] == "not_found"
    assert "right network" in result["explanation"]


def test_wrong_network_recoverable(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 100 * 10**6)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "wrong_network_recoverable"
    found = on(result, "bsc")
    assert found["status"] == "found" and found["chain_id"] == 56
    assert found["to_customer_chain"] == "ethereum" and found["asset"]["amount"] == "100"
    assert "BNB Smart Chain instead of Ethereum" in result["explanation"]


def test_wrong_network_unsupported(local_chains, customer, deposit):
    tx = native_transfer(local_chains.nodes["polygon"], deposit, 5 * 10**17)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "wrong_network_unsupported"
    found = on(result, "polygon")
    assert found["asset"] == {"kind": "native", "symbol": "POL", "contract": None, "amount": "0.5"}
    assert found["to_customer_chain"] == "ethereum"


def test_unsupported_token(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.odd, deposit, 7 * 10**18)
    mine(local_chains, "ethereum", 3)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "unsupported_token"
    asset = on(result, "ethereum")["asset"]
    assert asset == {"kind": "erc20", "symbol": "ODD", "contract": local_chains.odd, "amount": "7"}


def test_sent_to_contract(local_chains, customer, deposit):
    # The classic: the token's own contract address pasted as the recipient.
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, local_chains.usdt, 10**6)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "sent_to_contract"
    found = on(result, "ethereum")
    assert found["to"] == local_chains.usdt and found["to_is_contract"] is True and found["to_customer_chain"] is None


def test_not_our_address(local_chains, customer, deposit):
    tx = native_transfer(local_chains.nodes["bsc"], fresh_address(), 10**18)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "not_our_address"
    assert on(result, "bsc")["to_is_contract"] is False


def test_an_eip7702_delegated_account_counts_as_a_wallet(local_chains, customer, deposit):
    node = local_chains.nodes["bsc"]
    delegated = fresh_address()
    # Delegating to an address without code, so receiving coins runs nothing and succeeds.
    node.rpc("anvil_setCode", [delegated, "0xef0100" + fresh_address()[2:].lower()])
    tx = native_transfer(node, delegated, 10**18)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "not_our_address"
    assert on(result, "bsc")["to_is_contract"] is False


def test_failed_transaction(local_chains, customer, deposit):
    # Account 1 holds no USDT: the transfer reverts, but with a fixed gas it is still mined, as failed.
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, deposit, 10**6, sender=ACCOUNT_1, gas=90_000)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "failed_transaction"
    found = on(result, "ethereum")
    # No Transfer log for a reverted call: what it meant to do is read from its input.
    assert found["asset"]["kind"] == "erc20" and found["to"] == deposit.lower()


def test_pending_under_the_confirmations(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, deposit, 10**6)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "pending"
    assert on(result, "ethereum")["confirmations"] == 1
    assert "1 of 3 confirmations" in result["explanation"]


def test_pending_not_yet_mined(local_chains, customer, deposit):
    node = local_chains.nodes["bsc"]
    node.rpc("evm_setAutomine", [False])
    try:
        tx = token_transfer(node, local_chains.usdt, deposit, 10**6, gas=90_000)
        result = lookup_tx(tx, "--customer", customer.external_id)
    finally:
        node.rpc("evm_setAutomine", [True])
        node.rpc("anvil_mine", ["0x1"])
    assert result["verdict"] == "pending"
    found = on(result, "bsc")
    assert found["confirmations"] is None and found["to"] == deposit.lower()


def test_not_found(chains_file):
    require("anvil")
    result = lookup_tx("0x" + os.urandom(32).hex())
    assert result["verdict"] == "not_found" and result["unreachable"] == []
    assert {f["status"] for f in result["findings"]} == {"not_found"}
    assert "None of the networks we checked (Ethereum, BNB Smart Chain, Polygon)" in result["explanation"]


def test_a_hash_without_0x_is_tried_on_evm_and_found(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 10**6)
    result = lookup_tx(tx[2:], "--customer", customer.external_id)
    assert result["input_format"] == "hex_no_prefix" and result["verdict"] == "wrong_network_recoverable"


def test_an_explorer_link_is_looked_up(local_chains, customer, deposit):
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 10**6)
    result = lookup_tx(f"https://bsc.explorer.test/tx/{tx}", "--customer", customer.external_id)
    assert result["input_format"] == "explorer_url" and result["verdict"] == "wrong_network_recoverable"


def test_non_evm_hex_hash_nowhere_on_evm(chains_file):
    require("anvil")
    result = lookup_tx(os.urandom(32).hex())
    assert result["verdict"] == "non_evm" and len(result["findings"]) == 3
    assert "Tron, Bitcoin" in result["explanation"]


def test_non_evm_solana_signature_asks_no_chain(chains_file):
    result = lookup_tx(SOL_SIG)
    assert result["verdict"] == "non_evm" and result["findings"] == [] and result["input_format"] == "solana_signature"


@pytest.mark.parametrize(("text", "fmt"), [("0x" + "ab" * 20, "evm_address"), ("my money is gone", "unrecognised")])
def test_invalid_input(chains_file, text, fmt):
    result = lookup_tx(text)
    assert result["verdict"] == "invalid_input" and result["input_format"] == fmt and result["findings"] == []
    assert result["explanation"]


def test_incomplete_when_a_chain_does_not_answer(chains_file):
    require("anvil")
    from tests.support.servers import free_port

    chains_file(urls={"polygon": f"http://127.0.0.1:{free_port()}"})
    result = lookup_tx("0x" + os.urandom(32).hex())
    assert result["verdict"] == "incomplete" and result["unreachable"] == ["polygon"]
    assert on(result, "polygon")["status"] == "unknown"
    assert "Polygon did not answer" in result["explanation"]


def test_a_node_on_the_wrong_chain_is_misconfigured_and_never_used(local_chains, customer, deposit, chains_file):
    tx = native_transfer(local_chains.nodes["polygon"], deposit, 10**18)
    entries = local_chains.entries()
    entries[2] |= {"key": "optimism", "name": "OP Mainnet", "chain_id": 10}  # but the url is the 137 node
    chains_file(entries=entries)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert on(result, "optimism")["status"] == "misconfigured"
    assert result["verdict"] == "incomplete" and result["unreachable"] == ["optimism"]


def test_an_unknown_customer_is_refused(chains_file):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no customer"):
        lookup_tx("0x" + "ab" * 32, "--customer", "nobody")


def test_an_unknown_expected_chain_is_refused(chains_file):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no chain 'tron'"):
        lookup_tx("0x" + "ab" * 32, "--expected-chain", "tron")


def lookalike(address: str, match: int = 4) -> str:
    """Another address with the same first and last `match` hex characters: no key needed to send to it."""
    middle = os.urandom(20).hex()[match : 40 - match]
    return Web3.to_checksum_address("0x" + address[2 : 2 + match] + middle + address[-match:])


def test_address_poisoning_of_a_deposit_address(local_chains, customer, deposit):
    poisoned = lookalike(deposit)
    tx = token_transfer(local_chains.nodes["ethereum"], local_chains.usdt, poisoned, 500 * 10**6)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "address_poisoning"
    assert on(result, "ethereum")["to"] == poisoned.lower()
    assert deposit.lower() in result["explanation"] and "address poisoning" in result["explanation"]
    assert "cannot be reversed" in result["explanation"]


def test_a_lookalike_of_an_earlier_withdrawal_destination_that_holds_code_is_still_poisoning(
    local_chains, customer, deposit
):
    from django.utils import timezone

    mine = fresh_address()
    tickets_services.activity_upsert(
        customer=customer, external_id="wd-1", kind="withdrawal", asset="ETH", network="bsc", amount="1",
        status="completed", occurred_at=timezone.now(), destination_address=mine,
    )  # fmt: skip
    node = local_chains.nodes["bsc"]
    poisoned = lookalike(mine)
    node.rpc("anvil_setCode", [poisoned, "0x00"])  # a contract deployed at the look-alike
    tx = native_transfer(node, poisoned, 10**17)
    result = lookup_tx(tx, "--customer", customer.external_id)
    assert result["verdict"] == "address_poisoning"
    assert on(result, "bsc")["to_is_contract"] is True
    assert mine.lower() in result["explanation"]


def test_a_partial_lookalike_is_just_another_address(local_chains, customer, deposit):
    near = Web3.to_checksum_address(
        "0x" + deposit[2:6] + os.urandom(16).hex() + ("0000" if deposit[-4:] != "0000" else "1111")
    )
    tx = native_transfer(local_chains.nodes["bsc"], near, 10**17)
    assert lookup_tx(tx, "--customer", customer.external_id)["verdict"] == "not_our_address"
