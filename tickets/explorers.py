"""Explorer links for a TXID or an address on a network, as the exchange names networks.

The recovery app's chain registry (settings.CHAINS_FILE) knows the explorers of the chains it looks up: it
registers itself as a source here at start-up (RecoveryConfig.ready), since tickets imports no app above it. A
small built-in table answers for the networks no source knows.
"""

import re
from collections.abc import Callable

ALIASES = {
    "eth": "ethereum",
    "erc20": "ethereum",
    "bep20": "bsc",
    "bnb": "bsc",
    "bnb smart chain": "bsc",
    "matic": "polygon",
    "arb": "arbitrum",
    "arbitrum one": "arbitrum",
    "trc20": "tron",
    "trx": "tron",
    "btc": "bitcoin",
}
FALLBACK = {
    "ethereum": ("https://etherscan.io/tx/{hash}", "https://etherscan.io/address/{address}"),
    "bsc": ("https://bscscan.com/tx/{hash}", "https://bscscan.com/address/{address}"),
    "polygon": ("https://polygonscan.com/tx/{hash}", "https://polygonscan.com/address/{address}"),
    "arbitrum": ("https://arbiscan.io/tx/{hash}", "https://arbiscan.io/address/{address}"),
    "tron": ("https://tronscan.org/#/transaction/{hash}", "https://tronscan.org/#/address/{address}"),
    "bitcoin": ("https://mempool.space/tx/{hash}", "https://mempool.space/address/{address}"),
}
SAFE = re.compile(r"^[0-9A-Za-z]{8,128}$")


def chain_key(network: str) -> str:
    key = (network or "").strip().lower()
    return ALIASES.get(key, key)


# key -> (transaction URL pattern, address URL pattern), or None when the source does not know the chain
Source = Callable[[str], tuple[str, str] | None]
_sources: list[Source] = []


def source_register(source: Source) -> None:
    """Ask `source` before the built-in table (an app above tickets, at start-up)."""
    if source not in _sources:
        _sources.append(source)


def _patterns(key: str) -> tuple[str, str] | None:
    for source in _sources:
        if (found := source(key)) is not None:
            return found
    return FALLBACK.get(key)


def tx_url(network: str, txid: str) -> str:
    """An https link to the transaction, or "" when the network is unknown or the TXID looks wrong."""
    value = (txid or "").strip()
    patterns = _patterns(chain_key(network))
    if not patterns or not SAFE.match(value.removeprefix("0x")):
        return ""
    return patterns[0].replace("{hash}", value)


def address_url(network: str, address: str) -> str:
    value = (address or "").strip()
    patterns = _patterns(chain_key(network))
    if not patterns or not SAFE.match(value.removeprefix("0x")):
        return ""
    return patterns[1].replace("{address}", value)
