"""The verdict decision as a pure function: the order of the rules, without any chain."""

import pytest

from recovery.chains import Chain, Registry
from recovery.txid import parse_txid
from recovery.verdicts import ChainAnswer, Known, classify, explain

H = "0x" + "ab" * 32


def chain(key: str, deposits: bool = True) -> Chain:
    return Chain(key, key.title(), {"eth": 1, "bsc": 56, "pol": 137}[key], ("http://x",), "https://e/tx/{hash}",
                 "https://e/address/{address}", "ETH", False, 3, deposits, (), 5.0)  # fmt: skip


REGISTRY = Registry(chains=(chain("eth"), chain("bsc"), chain("pol", deposits=False)), retries=0, source="test")


def found(key: str, **fields) -> ChainAnswer:
    values = {"block_number": 10, "confirmations": 5, "tx_success": True, "to_address": "0xto", "to_is_contract": False}
    return ChainAnswer(chain=key, chain_id=1, status="found", **(values | fields))


def missing(key: str, status: str = "not_found") -> ChainAnswer:
    return ChainAnswer(chain=key, chain_id=1, status=status)


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        ([found("eth", to_customer_chain="eth"), missing("bsc"), missing("pol")], "credited_network"),
        ([found("eth", to_customer_chain="eth", confirmations=2), missing("bsc")], "pending"),
        ([found("eth", block_number=None, tx_success=None, to_customer_chain="eth")], "pending"),
        ([found("eth", block_number=None, tx_success=False)], "pending"),  # not mined: not failed yet
        ([found("eth", tx_success=False, to_customer_chain="eth")], "failed_transaction"),
        ([found("bsc", to_customer_chain="eth"), missing("eth")], "wrong_network_recoverable"),
        ([found("pol", to_customer_chain="eth")], "wrong_network_unsupported"),
        ([found("eth", to_customer_chain="eth", asset_kind="erc20", asset_known=False)], "unsupported_token"),
        ([found("eth", to_is_contract=True)], "sent_to_contract"),
        ([found("eth")], "not_our_address"),
        # Found on one chain: another chain that did not answer does not make it incomplete.
        ([found("bsc", to_customer_chain="eth"), missing("pol", "unknown")], "wrong_network_recoverable"),
        ([missing("eth"), missing("bsc"), missing("pol")], "not_found"),
        ([missing("eth"), missing("bsc", "unknown"), missing("pol")], "incomplete"),
        ([missing("eth"), missing("bsc", "misconfigured")], "incomplete"),
        ([], "incomplete"),
    ],
)
def test_the_rules_in_order(answers, verdict):
    parsed = parse_txid(H)
    decision = classify(parsed, answers, REGISTRY)
    assert decision.verdict == verdict
    explanation, next_steps = explain(decision, parsed, answers, REGISTRY)
    assert explanation and next_steps and "{" not in explanation + next_steps


def test_a_hash_without_0x_found_nowhere_is_non_evm_but_unknown_chains_make_it_incomplete():
    bare = parse_txid(H[2:])
    assert classify(bare, [missing("eth"), missing("bsc")], REGISTRY).verdict == "non_evm"
    assert classify(bare, [missing("eth"), missing("bsc", "unknown")], REGISTRY).verdict == "incomplete"


def test_the_customers_chain_wins_when_a_hash_is_on_two_chains():
    answers = [found("eth"), found("bsc", to_customer_chain="eth")]
    decision = classify(parse_txid(H), answers, REGISTRY)
    assert decision.finding.chain == "bsc" and decision.verdict == "wrong_network_recoverable"


MINE = "0x9f3c" + "11" * 16 + "a7e2"
LOOKALIKE = "0x9F3C" + "22" * 16 + "A7E2"  # the same four characters at each end, any case


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (found("eth", to_address=LOOKALIKE.lower()), "address_poisoning"),
        (found("eth", to_address=LOOKALIKE.lower(), to_is_contract=True), "address_poisoning"),  # code or not
        (found("eth", to_address="0x9f3c" + "22" * 16 + "a7e3"), "not_our_address"),  # the last character differs
        (found("eth", to_address="0x9f3d" + "22" * 16 + "a7e2"), "not_our_address"),  # the first differs
        (found("eth", to_address=MINE), "not_our_address"),  # their own address is no look-alike
        (found("eth", to_address=LOOKALIKE.lower(), tx_success=False), "failed_transaction"),  # nothing moved
        (found("eth", to_address=LOOKALIKE.lower(), block_number=None, tx_success=None), "pending"),
    ],
)
def test_a_lookalike_of_the_customers_own_address_is_address_poisoning(answer, verdict):
    parsed = parse_txid(H)
    decision = classify(parsed, [answer], REGISTRY, Known(addresses=(MINE,), match=4))
    assert decision.verdict == verdict
    if verdict == "address_poisoning":
        assert decision.imitated == MINE
        explanation, next_steps = explain(decision, parsed, [answer], REGISTRY)
        assert MINE in explanation and LOOKALIKE.lower() in explanation
        assert "cannot be reversed" in next_steps and "every character" in next_steps


def test_the_match_length_is_a_setting():
    parsed = parse_txid(H)
    near = found("eth", to_address="0x9f3c" + "22" * 16 + "b7e2")  # three characters match at the end, not four
    assert classify(parsed, [near], REGISTRY, Known((MINE,), match=4)).verdict == "not_our_address"
    assert classify(parsed, [near], REGISTRY, Known((MINE,), match=3)).verdict == "address_poisoning"
