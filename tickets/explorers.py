"""Explorer links for a TXID or an address on a network, as the exchange names networks.

The chain registry of the recovery app (settings.CHAINS_FILE) is the source when it is there; this ground-floor
app only reads it, through a guarded import, and falls back to a small built-in table.
"""

import re
from importlib import import_module

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


def _patterns(key: str) -> tuple[str, str] | None:
    try:
        chain = import_module("recovery.chains").registry().get(key)
    except Exception:  # no registry, or a broken file: the built-in table still gives links
        chain = None
    if chain is not None:
        return chain.explorer_tx, chain.explorer_address
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
