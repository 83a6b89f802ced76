"""What people paste, and what we make of it."""

import pytest

from recovery.txid import Format, parse_txid

H = "a3" * 32
HOSTS = {"etherscan.io": "ethereum", "bscscan.com": "bsc", "polygonscan.com": "polygon"}
SOL_SIG = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"


@pytest.mark.parametrize(
    ("text", "fmt", "tx_hash", "url_chain"),
    [
        ("0x" + H, Format.EVM_HASH, "0x" + H, ""),
        ("  0x" + H.upper() + "\n", Format.EVM_HASH, "0x" + H, ""),
        (H, Format.BARE_HEX, "0x" + H, ""),
        (f"https://etherscan.io/tx/0x{H}", Format.EXPLORER_URL, "0x" + H, "ethereum"),
        (f"https://bscscan.com/tx/0x{H}?utm=1#eventlog", Format.EXPLORER_URL, "0x" + H, "bsc"),
        (f"bscscan.com/tx/0x{H}", Format.EXPLORER_URL, "0x" + H, "bsc"),
        (f"https://www.polygonscan.com/tx/0x{H}", Format.EXPLORER_URL, "0x" + H, "polygon"),
        (f"https://unknown-explorer.example/tx/0x{H}", Format.EXPLORER_URL, "0x" + H, ""),
        (f"https://tronscan.org/#/transaction/{H}", Format.NON_EVM_URL, "", ""),
        (f"https://mempool.space/tx/{H}", Format.NON_EVM_URL, "", ""),
        (f"https://solscan.io/tx/{SOL_SIG}", Format.NON_EVM_URL, "", ""),
        (SOL_SIG, Format.SOLANA_SIGNATURE, "", ""),
        ("0x" + "b" * 40, Format.EVM_ADDRESS, "", ""),
        ("https://etherscan.io/address/0x" + "b" * 40, Format.EVM_ADDRESS, "", ""),
        ("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", Format.OTHER_ADDRESS, "", ""),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Format.OTHER_ADDRESS, "", ""),
        ("", Format.EMPTY, "", ""),
        ("   ", Format.EMPTY, "", ""),
        ("hello I sent money yesterday", Format.GARBAGE, "", ""),
        ("0x" + H[:-1], Format.GARBAGE, "", ""),
        ("0x" + H + "00", Format.GARBAGE, "", ""),
        ("https://etherscan.io/", Format.GARBAGE, "", ""),
    ],
)
def test_each_shape_gets_its_code(text, fmt, tx_hash, url_chain):
    parsed = parse_txid(text, HOSTS)
    assert parsed.input_format == fmt
    assert parsed.tx_hash == tx_hash
    assert parsed.url_chain == url_chain
    assert parsed.advice  # every answer carries plain advice


def test_network_hints_name_the_network_in_the_advice():
    assert parse_txid("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7").network_hint == "tron"
    assert "Tron address" in parse_txid("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7").advice
    assert "Solana" in parse_txid(f"https://solscan.io/tx/{SOL_SIG}").advice
    assert parse_txid(SOL_SIG).network_hint == "solana"


def test_only_hex_without_prefix_may_be_non_evm():
    assert parse_txid(H).maybe_non_evm and parse_txid(H).lookable
    assert not parse_txid("0x" + H).maybe_non_evm
    assert not parse_txid(SOL_SIG).lookable
    assert "not a transaction ID" in parse_txid("0x" + "b" * 40).advice


def test_huge_input_is_cut_not_crashing():
    assert parse_txid("x" * 1_000_000).input_format == Format.GARBAGE
