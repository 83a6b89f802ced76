"""Token transfers read with web3's ABI decoding: what a log or a calldata means, and what is not a transfer."""

from hexbytes import HexBytes
from web3 import Web3

from recovery.chains import Chain, Token
from recovery.lookup import ERC20, TRANSFER_EVENT, _transfer_from_input, _transfers_from_logs
from recovery.verdicts import FOUND, ChainAnswer

USDT = "0x" + "11" * 20
SENDER = "0x" + "22" * 20
DEPOSIT = "0x" + "ab" * 20
CHAIN = Chain(
    key="bsc",
    name="BNB Smart Chain",
    chain_id=56,
    rpc_urls=("http://127.0.0.1:1",),
    explorer_tx="https://explorer.example/tx/{hash}",
    explorer_address="https://explorer.example/address/{address}",
    native_symbol="BNB",
    poa=True,
    confirmations=15,
    deposits=True,
    tokens=(Token(symbol="USDT", address=USDT, decimals=18),),
    timeout_seconds=5,
)


def _topic(address: str) -> HexBytes:
    return HexBytes("0x" + "00" * 12 + address[2:])


def _log(topics: list, data: bytes) -> dict:
    return {
        "address": Web3.to_checksum_address(USDT),
        "topics": topics,
        "data": HexBytes(data),
        "blockNumber": 7,
        "blockHash": HexBytes("0x" + "00" * 32),
        "transactionHash": HexBytes("0x" + "01" * 32),
        "transactionIndex": 0,
        "logIndex": 0,
    }


def test_an_erc20_transfer_log_is_read_with_its_amount_in_the_tokens_units():
    log = _log([HexBytes(TRANSFER_EVENT.topic), _topic(SENDER), _topic(DEPOSIT)], (250 * 10**18).to_bytes(32, "big"))
    [transfer] = _transfers_from_logs([log], CHAIN)
    assert (transfer.contract, transfer.from_address, transfer.to_address) == (USDT, SENDER, DEPOSIT)
    assert transfer.raw_amount == 250 * 10**18
    assert transfer.amount == "250"


def test_an_nft_transfer_and_other_events_are_not_fungible_transfers():
    nft = _log(
        [HexBytes(TRANSFER_EVENT.topic), _topic(SENDER), _topic(DEPOSIT), HexBytes("0x" + "00" * 31 + "05")], b""
    )
    approval = _log([HexBytes(Web3.keccak(text="Approval(address,address,uint256)")), _topic(SENDER)], b"\x00" * 32)
    truncated = _log([HexBytes(TRANSFER_EVENT.topic), _topic(SENDER), _topic(DEPOSIT)], b"\x01")
    assert _transfers_from_logs([nft, approval, truncated], CHAIN) == []


def test_an_unmined_token_transfer_is_read_from_its_calldata():
    data = ERC20.encode_abi("transfer", args=[Web3.to_checksum_address(DEPOSIT), 5 * 10**18])
    answer = ChainAnswer(chain="bsc", chain_id=56, status=FOUND, from_address=SENDER, to_address=USDT)
    [transfer] = _transfer_from_input({"input": data}, answer, CHAIN)
    assert (transfer.to_address, transfer.amount, transfer.token.symbol) == (DEPOSIT, "5", "USDT")


def test_calldata_that_is_not_a_whole_transfer_is_not_one():
    answer = ChainAnswer(chain="bsc", chain_id=56, status=FOUND, from_address=SENDER, to_address=USDT)
    data = ERC20.encode_abi("transfer", args=[Web3.to_checksum_address(DEPOSIT), 1])
    for garbage in (data[:40], "0x", "0xdeadbeef" + data[10:], b"\xa9\x05\x9c\xbb"):
        assert _transfer_from_input({"input": garbage}, answer, CHAIN) == []
