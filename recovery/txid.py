"""What did the person paste? Pure functions: a TXID in any of its usual shapes, an explorer link, an address
by mistake, or something else. Each answer has a stable `input_format` code and plain advice."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext, gettext_noop

EVM_HASH_RE = re.compile(r"^0x[0-9a-fA-F]{64}$")
BARE_HEX_RE = re.compile(r"^[0-9a-fA-F]{64}$")
EVM_ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]{40}$")
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SOLANA_SIGNATURE_RE = re.compile(rf"^[{BASE58}]{{86,88}}$")
TRON_ADDRESS_RE = re.compile(rf"^T[{BASE58}]{{33}}$")
BITCOIN_ADDRESS_RE = re.compile(rf"^(bc1[02-9ac-hj-np-z]{{11,71}}|[13][{BASE58}]{{25,34}})$")
SOLANA_ADDRESS_RE = re.compile(rf"^[{BASE58}]{{32,44}}$")
TX_PATH_RE = re.compile(r"/(?:tx|transaction|transactions)/([^/?#]+)", re.IGNORECASE)
MAX_INPUT = 2000

# Explorers of chains this helpdesk cannot look up itself (their transactions take the manual route).
NON_EVM_HOSTS = {
    "tronscan.org": "tron",
    "tronscan.io": "tron",
    "solscan.io": "solana",
    "explorer.solana.com": "solana",
    "solana.fm": "solana",
    "mempool.space": "bitcoin",
    "blockstream.info": "bitcoin",
    "blockchain.com": "bitcoin",
    "btcscan.org": "bitcoin",
}


class Format:
    EVM_HASH = "evm_hash"  # 0x + 64 hex
    BARE_HEX = "hex_no_prefix"  # 64 hex without 0x: an EVM hash without its prefix, or Tron/Bitcoin
    EXPLORER_URL = "explorer_url"  # a link to an EVM explorer's /tx/ page
    NON_EVM_URL = "non_evm_url"  # a link to a Tron/Solana/Bitcoin explorer
    SOLANA_SIGNATURE = "solana_signature"
    EVM_ADDRESS = "evm_address"  # an address pasted instead of a TXID
    OTHER_ADDRESS = "non_evm_address"
    EMPTY = "empty"
    GARBAGE = "unrecognised"


@dataclass(frozen=True)
class ParsedInput:
    input_format: str
    tx_hash: str = ""  # the 0x-prefixed lower-case hash to ask EVM chains for; "" when there is none
    url_chain: str = ""  # the chain key whose explorer the link came from
    network_hint: str = ""  # tron / solana / bitcoin, when the shape or link says so
    advice: str = ""

    @property
    def lookable(self) -> bool:
        """Worth asking the EVM chains."""
        return bool(self.tx_hash)

    @property
    def maybe_non_evm(self) -> bool:
        """Could be a Tron or Bitcoin hash: if no EVM chain knows it, say so instead of "not found"."""
        return self.input_format == Format.BARE_HEX


ADVICE = {
    Format.EVM_HASH: gettext_noop(
        "This looks like a transaction hash (TXID) on an EVM network. We will check every network."
    ),
    Format.BARE_HEX: gettext_noop(
        "This is a 64-character transaction hash without the 0x prefix. It may be from an EVM network "
        "(we will check them all) or from Tron or Bitcoin, which an agent checks by hand."
    ),
    Format.EXPLORER_URL: gettext_noop("This is a link to a block explorer; we took the transaction hash from it."),
    Format.NON_EVM_URL: gettext_noop(
        "This link is to a %(network)s explorer. Automatic checks cover EVM networks only; an agent will look at "
        "this transaction by hand."
    ),
    Format.SOLANA_SIGNATURE: gettext_noop(
        "This looks like a Solana transaction signature. Automatic checks cover EVM networks only; an agent "
        "will look at it by hand."
    ),
    Format.EVM_ADDRESS: gettext_noop(
        "This is a wallet address, not a transaction ID. A TXID is longer (0x followed by 64 characters). "
        "Open the transfer in your wallet's history or in the exchange's withdrawal record and copy its "
        "'TxID' or 'Transaction hash'."
    ),
    Format.OTHER_ADDRESS: gettext_noop(
        "This looks like a %(network)s address, not a transaction ID. Open the transfer in your wallet's history "
        "and copy its 'TxID' or 'Transaction hash'."
    ),
    Format.EMPTY: gettext_noop("Paste the transaction ID (TXID) of your transfer."),
    Format.GARBAGE: gettext_noop(
        "We could not recognise this as a transaction ID. A TXID usually starts with 0x followed by 64 letters "
        "and digits. Copy it from your wallet's history or the exchange's withdrawal record, or paste the "
        "explorer link."
    ),
}


def parse_txid(text: str, explorer_hosts: dict[str, str] | None = None) -> ParsedInput:
    """Recognise what was pasted. `explorer_hosts` maps explorer host names to chain keys (the registry's)."""
    text = (text or "").strip().strip("\"'<>").strip()[:MAX_INPUT]
    if not text:
        return _parsed(Format.EMPTY)
    if "://" in text or text.lower().startswith(("www.", "etherscan.", "bscscan.")):
        return _parse_url(text, explorer_hosts or {})
    return _parse_bare(text)


def _parse_bare(text: str) -> ParsedInput:
    if EVM_HASH_RE.match(text):
        return _parsed(Format.EVM_HASH, tx_hash=text.lower())
    if BARE_HEX_RE.match(text):
        return _parsed(Format.BARE_HEX, tx_hash="0x" + text.lower())
    if EVM_ADDRESS_RE.match(text):
        return _parsed(Format.EVM_ADDRESS)
    if SOLANA_SIGNATURE_RE.match(text):
        return _parsed(Format.SOLANA_SIGNATURE, network_hint="solana")
    for network, pattern in (("tron", TRON_ADDRESS_RE), ("bitcoin", BITCOIN_ADDRESS_RE)):
        if pattern.match(text):
            return _parsed(Format.OTHER_ADDRESS, network_hint=network)
    if SOLANA_ADDRESS_RE.match(text):
        return _parsed(Format.OTHER_ADDRESS, network_hint="solana")
    return _parsed(Format.GARBAGE)


def _parse_url(text: str, explorer_hosts: dict[str, str]) -> ParsedInput:
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    # Tronscan keeps its path after the '#': https://tronscan.org/#/transaction/<hash>
    path = unquote(parts.path + ("/" + parts.fragment if parts.fragment else ""))
    network = next((net for known, net in NON_EVM_HOSTS.items() if host == known or host.endswith("." + known)), "")
    if network:
        return _parsed(Format.NON_EVM_URL, network_hint=network)
    match = TX_PATH_RE.search(path)
    if not match:
        inner = _parse_bare(path.rstrip("/").rsplit("/", 1)[-1]) if "/address/" in path else None
        if inner is not None and inner.input_format in (Format.EVM_ADDRESS, Format.OTHER_ADDRESS):
            return inner
        return _parsed(Format.GARBAGE)
    inner = _parse_bare(match.group(1))
    if inner.input_format in (Format.EVM_HASH, Format.BARE_HEX):
        return _parsed(Format.EXPLORER_URL, tx_hash=inner.tx_hash, url_chain=explorer_hosts.get(host, ""))
    return inner


def advice_text(parsed: ParsedInput) -> str:
    """The advice in the active language (`parsed.advice` is the English, for logs, the command and staff)."""
    return gettext(ADVICE[parsed.input_format]) % {"network": _network(parsed.network_hint)}


def _network(hint: str) -> str:
    return hint.capitalize() if hint else "non-EVM"


def _parsed(input_format: str, **fields) -> ParsedInput:
    advice = ADVICE[input_format] % {"network": _network(fields.get("network_hint", ""))}
    return ParsedInput(input_format=input_format, advice=advice, **fields)
