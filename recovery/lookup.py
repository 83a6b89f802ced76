"""Ask every configured chain about one transaction hash at once (AsyncWeb3, asyncio.gather).

Each chain gets its own timeout; a chain that times out or errors is "unknown", never "not found". A node that
answers another chain id than the registry says is "misconfigured" and its answer is never used.

`ask_all` is synchronous for its callers (a Celery task, a management command): the chains are asked on an event
loop in a helper thread, and each answer is handed back, in the order they arrive, to the calling thread, which
owns the database connection.
"""

import asyncio
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from eth_abi.exceptions import DecodingError
from hexbytes import HexBytes
from web3 import AsyncHTTPProvider, AsyncWeb3, Web3
from web3.exceptions import TransactionNotFound, Web3Exception
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers.rpc.utils import ExceptionRetryConfiguration
from web3.utils import function_signature_to_4byte_selector

from recovery.chains import Chain, Token, whole_units
from recovery.verdicts import FOUND, MISCONFIGURED, NOT_FOUND, UNKNOWN, ChainAnswer

DELEGATION_PREFIX = b"\xef\x01\x00"  # EIP-7702: an account delegating to code is still a wallet
ERC20_META_ABI = [
    {"name": "symbol", "type": "function", "inputs": [], "outputs": [{"type": "string"}], "stateMutability": "view"},
    {"name": "decimals", "type": "function", "inputs": [], "outputs": [{"type": "uint8"}], "stateMutability": "view"},
]

ERC20_TRANSFER_ABI = [
    {
        "name": "Transfer",
        "type": "event",
        "anonymous": False,
        "inputs": [
            {"name": "from", "type": "address", "indexed": True},
            {"name": "to", "type": "address", "indexed": True},
            {"name": "value", "type": "uint256", "indexed": False},
        ],
    },
    {
        "name": "transfer",
        "type": "function",
        "inputs": [{"name": "to", "type": "address"}, {"name": "value", "type": "uint256"}],
        "outputs": [{"type": "bool"}],
        "stateMutability": "nonpayable",
    },
]
# Decoding needs no node: an offline contract object, not bound to an address, reads any token's logs and calldata.
ERC20 = Web3().eth.contract(abi=ERC20_TRANSFER_ABI)
TRANSFER_EVENT = ERC20.events.Transfer()
TRANSFER_SELECTOR = function_signature_to_4byte_selector("transfer(address,uint256)")

DepositLookup = Callable[[str], list[str]]  # address (lower-case) -> chain keys where it is a deposit address


@dataclass
class Transfer:
    contract: str
    from_address: str
    to_address: str
    raw_amount: int
    token: Token | None
    symbol: str = ""
    decimals: int | None = None
    to_is_contract: bool | None = None

    @property
    def amount(self) -> str:
        decimals = self.token.decimals if self.token else self.decimals
        return whole_units(self.raw_amount, decimals) if decimals is not None else str(self.raw_amount)


# --- Synchronous entry point ---------------------------------------------------------------------------------


def ask_all(
    chains: tuple[Chain, ...] | list[Chain], tx_hash: str, *, retries: int, deposit_lookup: DepositLookup
) -> Iterator[ChainAnswer]:
    """Yield one ChainAnswer per chain, as each arrives. All chains are asked in parallel."""
    answers: queue.Queue = queue.Queue()

    async def ask_every_chain() -> None:
        async def ask_one(chain: Chain) -> None:
            answers.put(await ask_chain(chain, tx_hash, retries=retries))

        await asyncio.gather(*(ask_one(chain) for chain in chains))

    thread = threading.Thread(target=asyncio.run, args=(ask_every_chain(),), name="chain-lookup", daemon=True)
    thread.start()
    waiting = {chain.key: chain for chain in chains}
    deadline = time.monotonic() + max(chain.timeout_seconds for chain in chains) + 10
    while waiting:
        try:
            answer = answers.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            # Belt and braces: every chain has its own timeout, so this only guards against a stuck loop.
            answer = _unknown(next(iter(waiting.values())), "the lookup did not finish in time")
        waiting.pop(answer.chain, None)
        choose_asset(answer, deposit_lookup)
        yield answer
    thread.join(5)


def choose_asset(answer: ChainAnswer, deposit_lookup: DepositLookup) -> None:
    """Pick the transfer that matters (the one reaching a deposit address, else the sender's) and say whether
    its recipient is one of the customer's deposit addresses, and on which chain."""
    if answer.status != FOUND:
        return
    transfers: list[Transfer] = answer.transfers
    if transfers:
        chosen = next((t for t in transfers if deposit_lookup(t.to_address)), None)
        chosen = chosen or next((t for t in transfers if t.from_address == answer.from_address), transfers[0])
        answer.to_address = chosen.to_address
        answer.asset_kind = "erc20"
        answer.asset_contract = chosen.contract
        answer.asset_known = chosen.token is not None
        answer.asset_symbol = chosen.token.symbol if chosen.token else chosen.symbol
        answer.amount = chosen.amount
        answer.to_is_contract = chosen.to_is_contract
    chains = deposit_lookup(answer.to_address) if answer.to_address else []
    answer.to_customer_chain = answer.chain if answer.chain in chains else (chains[0] if chains else "")


# --- One chain ----------------------------------------------------------------------------------------------


async def ask_chain(chain: Chain, tx_hash: str, *, retries: int) -> ChainAnswer:
    started = time.monotonic()
    try:
        answer = await asyncio.wait_for(_ask_rpc_urls(chain, tx_hash, retries), chain.timeout_seconds)
    except TimeoutError:
        answer = _unknown(chain, f"no answer within {chain.timeout_seconds:g} s")
    except Exception as exc:  # any failure of a node means we do not know, never "not found"
        answer = _unknown(chain, _describe(exc))
    answer.elapsed_ms = int((time.monotonic() - started) * 1000)
    return answer


def _unknown(chain: Chain, error: str) -> ChainAnswer:
    return ChainAnswer(chain=chain.key, chain_id=chain.chain_id, status=UNKNOWN, error=error[:500])


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _ask_rpc_urls(chain: Chain, tx_hash: str, retries: int) -> ChainAnswer:
    """Try the chain's nodes in order; the first that answers decides."""
    failure: Exception | None = None
    for url in chain.rpc_urls:
        w3 = _web3(url, chain, retries)
        try:
            return await _ask_node(w3, chain, url, tx_hash)
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            failure = exc
        finally:
            await w3.provider.disconnect()
    raise failure or RuntimeError("no rpc url")


def _web3(url: str, chain: Chain, retries: int) -> AsyncWeb3:
    provider = AsyncHTTPProvider(
        url,
        request_kwargs={"timeout": aiohttp.ClientTimeout(total=chain.timeout_seconds)},
        exception_retry_configuration=ExceptionRetryConfiguration(
            # web3 counts attempts, not retries: retries=0 would make no request at all.
            errors=(aiohttp.ClientError, TimeoutError, ConnectionError),
            retries=retries + 1,
            backoff_factor=0.1,
        ),
    )
    w3 = AsyncWeb3(provider)
    if chain.poa:
        # BSC/Polygon blocks carry extra signer data that web3 refuses without this middleware.
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3


async def _ask_node(w3: AsyncWeb3, chain: Chain, url: str, tx_hash: str) -> ChainAnswer:
    actual = await w3.eth.chain_id
    if actual != chain.chain_id:
        host = urlsplit(url).hostname
        error = f"the node at {host} answers chain id {actual}, but the registry says {chain.chain_id}"
        return ChainAnswer(chain=chain.key, chain_id=chain.chain_id, status=MISCONFIGURED, error=error)
    try:
        tx = await w3.eth.get_transaction(tx_hash)
    except TransactionNotFound:
        return ChainAnswer(chain=chain.key, chain_id=chain.chain_id, status=NOT_FOUND)
    answer = ChainAnswer(
        chain=chain.key,
        chain_id=chain.chain_id,
        status=FOUND,
        from_address=str(tx["from"]).lower(),
        to_address=str(tx.get("to") or "").lower(),
        asset_kind="native",
        asset_symbol=chain.native_symbol,
        amount=whole_units(int(tx.get("value", 0)), 18),
        block_number=tx.get("blockNumber"),
    )
    logs = []
    if answer.block_number is not None:
        receipt = await w3.eth.get_transaction_receipt(tx_hash)
        answer.tx_success = receipt["status"] == 1
        answer.confirmations = max(0, await w3.eth.block_number - answer.block_number + 1)
        answer.to_address = answer.to_address or str(receipt.get("contractAddress") or "").lower()
        logs = receipt["logs"]
    answer.transfers = _transfers_from_logs(logs, chain) or _transfer_from_input(tx, answer, chain)
    await _fill_codes(w3, answer)
    await _fill_unknown_tokens(w3, answer.transfers)
    return answer


def _transfers_from_logs(logs: list, chain: Chain) -> list[Transfer]:
    transfers = []
    for log in logs:
        event = _transfer_event(log)
        if event is None:
            continue
        contract = str(log["address"]).lower()
        transfers.append(
            Transfer(
                contract=contract,
                from_address=event["args"]["from"].lower(),
                to_address=event["args"]["to"].lower(),
                raw_amount=event["args"]["value"],
                token=chain.token(contract),
            )
        )
    return transfers


def _transfer_event(log) -> dict | None:
    """An ERC-20 Transfer, or None. ERC-721 shares the signature with a fourth, indexed topic (the token id): it
    is not a fungible amount, and web3 refuses it for the topic count."""
    topics = log["topics"]
    if not topics or HexBytes(topics[0]) != HexBytes(TRANSFER_EVENT.topic):
        return None
    try:
        return TRANSFER_EVENT.process_log(log)
    except (Web3Exception, DecodingError):
        return None


def _transfer_from_input(tx: dict, answer: ChainAnswer, chain: Chain) -> list[Transfer]:
    """An unmined or failed token transfer leaves no log: read what it meant to do from its input."""
    data = HexBytes(tx.get("input") or b"")
    if not answer.to_address or data[:4] != TRANSFER_SELECTOR:
        return []
    try:
        _, args = ERC20.decode_function_input(data)
    except (Web3Exception, DecodingError, ValueError):
        return []
    return [
        Transfer(
            contract=answer.to_address,
            from_address=answer.from_address,
            to_address=args["to"].lower(),
            raw_amount=args["value"],
            token=chain.token(answer.to_address),
        )
    ]


async def _fill_codes(w3: AsyncWeb3, answer: ChainAnswer) -> None:
    addresses = {t.to_address for t in answer.transfers} | ({answer.to_address} if answer.to_address else set())
    codes = dict(zip(addresses, await asyncio.gather(*(_has_code(w3, a) for a in addresses)), strict=True))
    for transfer in answer.transfers:
        transfer.to_is_contract = codes[transfer.to_address]
    answer.to_is_contract = codes.get(answer.to_address)


async def _has_code(w3: AsyncWeb3, address: str) -> bool:
    code = bytes(await w3.eth.get_code(AsyncWeb3.to_checksum_address(address)))
    if len(code) == 23 and code.startswith(DELEGATION_PREFIX):
        return False  # an EIP-7702 delegated account: a wallet someone holds the key of
    return len(code) > 0


async def _fill_unknown_tokens(w3: AsyncWeb3, transfers: list[Transfer]) -> None:
    """For a token the registry does not list, read its symbol and decimals if it offers them."""
    for transfer in transfers:
        if transfer.token is not None:
            continue
        contract = w3.eth.contract(address=AsyncWeb3.to_checksum_address(transfer.contract), abi=ERC20_META_ABI)
        try:
            transfer.symbol = str(await contract.functions.symbol().call())[:32]
            transfer.decimals = int(await contract.functions.decimals().call())
        except Exception:  # a token without metadata is still a token; its amount stays in base units
            transfer.decimals = None
