"""The chain registry: which EVM chains a lookup asks, read from a TOML file (settings.CHAINS_FILE).

The file is validated strictly and as a whole: one bad value raises ChainsFileError naming the file, the line and
the key, and nothing is half-loaded. See recovery/chains.default.toml for the shape.
"""

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]{40}$")
CHAIN_FIELDS = {
    "key",
    "name",
    "chain_id",
    "rpc_urls",
    "explorer",
    "native_symbol",
    "poa",
    "confirmations",
    "deposits",
    "tokens",
    "timeout_seconds",
}
LOOKUP_FIELDS = {"timeout_seconds", "retries"}
TOKEN_FIELDS = {"symbol", "address", "decimals"}


class ChainsFileError(ImproperlyConfigured):
    """The chain registry file is wrong; the message says where and what."""


@dataclass(frozen=True)
class Token:
    symbol: str
    address: str  # lower-case
    decimals: int

    def amount(self, raw: int) -> str:
        return whole_units(raw, self.decimals)


@dataclass(frozen=True)
class Chain:
    key: str
    name: str
    chain_id: int
    rpc_urls: tuple[str, ...]
    explorer_tx: str
    explorer_address: str
    native_symbol: str
    poa: bool
    confirmations: int
    deposits: bool
    tokens: tuple[Token, ...]
    timeout_seconds: float

    def token(self, address: str) -> Token | None:
        address = address.lower()
        return next((token for token in self.tokens if token.address == address), None)

    def tx_url(self, tx_hash: str) -> str:
        return self.explorer_tx.replace("{hash}", tx_hash)

    def address_url(self, address: str) -> str:
        return self.explorer_address.replace("{address}", address)

    @property
    def explorer_host(self) -> str:
        return urlsplit(self.explorer_tx).hostname or ""


@dataclass(frozen=True)
class Registry:
    chains: tuple[Chain, ...]
    retries: int
    source: str

    def get(self, key: str) -> Chain | None:
        return next((chain for chain in self.chains if chain.key == key), None)

    def explorer_hosts(self) -> dict[str, str]:
        """Explorer host name -> chain key, to recognise a pasted explorer link."""
        return {chain.explorer_host: chain.key for chain in self.chains}


def whole_units(raw: int, decimals: int) -> str:
    """An integer amount in base units as a plain decimal string in whole units ("1.5", never "1.5E+0")."""
    value = Decimal(raw).scaleb(-decimals)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# --- Loading ---------------------------------------------------------------------------------------------


class _Where:
    """Finds the line of a key inside the Nth [[chains]] section, so errors point at the file."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, field: str, chain_index: int | None = None) -> int | None:
        start, end = 0, len(self.lines)
        if chain_index is not None:
            headers = [i for i, line in enumerate(self.lines) if line.strip().startswith("[[chains]]")]
            if chain_index < len(headers):
                start = headers[chain_index]
                end = headers[chain_index + 1] if chain_index + 1 < len(headers) else end
        pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number]):
                return number + 1
        return start + 1 if chain_index is not None else None

    def error(self, message: str, field: str = "", chain_index: int | None = None) -> ChainsFileError:
        line = self.line_of(field, chain_index) if field else None
        where = f"{self.path}, line {line}" if line else self.path
        return ChainsFileError(f"{where}: {message}")


def load_registry(path: str | Path) -> Registry:
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ChainsFileError(f"{path}: cannot read the chain registry ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChainsFileError(f"{path}: not valid TOML: {exc}") from exc
    return parse_registry(data, _Where(path, text))


def parse_registry(data: dict, where: _Where) -> Registry:
    unknown = set(data) - {"lookup", "chains"}
    if unknown:
        key = sorted(unknown)[0]
        raise where.error(f"unknown top-level key {key!r} (expected [lookup] and [[chains]])", key)
    lookup = data.get("lookup", {})
    if not isinstance(lookup, dict):
        raise where.error("[lookup] must be a table", "lookup")
    _no_unknown(lookup, LOOKUP_FIELDS, "[lookup]", where, None)
    timeout = _number(lookup.get("timeout_seconds", 10), "timeout_seconds", "[lookup]", where, None)
    retries = _integer(lookup.get("retries", 2), "retries", "[lookup]", where, None, minimum=0)
    raw_chains = data.get("chains")
    if not isinstance(raw_chains, list) or not raw_chains:
        raise where.error("the file lists no [[chains]]", "chains")
    chains = tuple(_chain(raw, index, timeout, where) for index, raw in enumerate(raw_chains))
    _unique(chains, where)
    return Registry(chains=chains, retries=retries, source=where.path)


def _chain(raw: dict, index: int, default_timeout: float, where: _Where) -> Chain:
    label = f"chain #{index + 1}"
    if isinstance(raw.get("key"), str):
        label = f"chain #{index + 1} ({raw['key']!r})"
    _no_unknown(raw, CHAIN_FIELDS, label, where, index)
    missing = sorted(CHAIN_FIELDS - {"timeout_seconds"} - set(raw))
    if missing:
        raise where.error(f"{label} lacks {', '.join(missing)}", chain_index=index)
    key = _text(raw["key"], "key", label, where, index)
    if not KEY_RE.match(key):
        raise where.error(f"{label}: key must be lower-case letters, digits, - or _", "key", index)
    explorer = raw["explorer"]
    if not isinstance(explorer, dict) or set(explorer) != {"tx", "address"}:
        raise where.error(f"{label}: explorer must be {{ tx = ..., address = ... }}", "explorer", index)
    return Chain(
        key=key,
        name=_text(raw["name"], "name", label, where, index),
        chain_id=_integer(raw["chain_id"], "chain_id", label, where, index, minimum=1),
        rpc_urls=_rpc_urls(raw["rpc_urls"], label, where, index),
        explorer_tx=_pattern(explorer["tx"], "{hash}", label, where, index),
        explorer_address=_pattern(explorer["address"], "{address}", label, where, index),
        native_symbol=_text(raw["native_symbol"], "native_symbol", label, where, index),
        poa=_boolean(raw["poa"], "poa", label, where, index),
        confirmations=_integer(raw["confirmations"], "confirmations", label, where, index, minimum=1),
        deposits=_boolean(raw["deposits"], "deposits", label, where, index),
        tokens=_tokens(raw["tokens"], label, where, index),
        timeout_seconds=_number(raw.get("timeout_seconds", default_timeout), "timeout_seconds", label, where, index),
    )


def _unique(chains: tuple[Chain, ...], where: _Where) -> None:
    seen_keys: set[str] = set()
    seen_ids: set[int] = set()
    for index, chain in enumerate(chains):
        if chain.key in seen_keys:
            raise where.error(f"chain key {chain.key!r} appears twice", "key", index)
        if chain.chain_id in seen_ids:
            raise where.error(f"chain_id {chain.chain_id} appears twice", "chain_id", index)
        seen_keys.add(chain.key)
        seen_ids.add(chain.chain_id)


def _no_unknown(raw: dict, allowed: set[str], label: str, where: _Where, index: int | None) -> None:
    if not isinstance(raw, dict):
        raise where.error(f"{label} must be a table", chain_index=index)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise where.error(f"{label}: unknown key {unknown[0]!r}", unknown[0], index)


def _text(value, field: str, label: str, where: _Where, index: int | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"{label}: {field} must be a non-empty string", field, index)
    return value.strip()


def _integer(value, field: str, label: str, where: _Where, index: int | None, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise where.error(f"{label}: {field} must be a whole number >= {minimum}", field, index)
    return value


def _number(value, field: str, label: str, where: _Where, index: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 300:
        raise where.error(f"{label}: {field} must be a number of seconds between 0 and 300", field, index)
    return float(value)


def _boolean(value, field: str, label: str, where: _Where, index: int | None) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"{label}: {field} must be true or false", field, index)
    return value


def _rpc_urls(value, label: str, where: _Where, index: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise where.error(f"{label}: rpc_urls must be a non-empty list of http(s) URLs", "rpc_urls", index)
    for url in value:
        if not _is_http_url(url):
            raise where.error(f"{label}: rpc_urls holds {url!r}, which is not an http(s) URL", "rpc_urls", index)
    return tuple(value)


def _is_http_url(url) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket: not a URL at all
        return False


def _pattern(value, placeholder: str, label: str, where: _Where, index: int) -> str:
    if not isinstance(value, str) or not value.startswith("https://") or placeholder not in value:
        raise where.error(f"{label}: explorer links must be https:// and contain {placeholder}", "explorer", index)
    return value


def _tokens(value, label: str, where: _Where, index: int) -> tuple[Token, ...]:
    if not isinstance(value, list):
        raise where.error(f"{label}: tokens must be a list", "tokens", index)
    tokens = []
    for raw in value:
        if not isinstance(raw, dict) or set(raw) != TOKEN_FIELDS:
            raise where.error(f"{label}: each token needs exactly symbol, address and decimals", "tokens", index)
        symbol = _text(raw["symbol"], "tokens.symbol", label, where, index)
        if not isinstance(raw["address"], str) or not ADDRESS_RE.match(raw["address"]):
            raise where.error(f"{label}: token {symbol} has a bad address {raw['address']!r}", "tokens", index)
        decimals = _integer(raw["decimals"], "tokens.decimals", label, where, index, minimum=0)
        tokens.append(Token(symbol=symbol, address=raw["address"].lower(), decimals=decimals))
    if len({token.address for token in tokens}) != len(tokens):
        raise where.error(f"{label}: a token address appears twice", "tokens", index)
    return tuple(tokens)


# --- The registry in use ----------------------------------------------------------------------------------

_cache: dict[tuple[str, float], Registry] = {}


def explorer_patterns(key: str) -> tuple[str, str] | None:
    """A chain's explorer URL patterns, for tickets' links (registered in tickets.explorers by RecoveryConfig.ready).
    A broken file is refused by `manage.py check` (recovery.E001); meanwhile tickets' built-in table answers."""
    try:
        chain = registry().get(key)
    except ChainsFileError:
        return None
    return (chain.explorer_tx, chain.explorer_address) if chain is not None else None


def registry() -> Registry:
    """The registry from settings.CHAINS_FILE, re-read when the file changes."""
    path = str(settings.CHAINS_FILE)
    try:
        stamp = Path(path).stat().st_mtime
    except OSError as exc:
        raise ChainsFileError(f"{path}: cannot read the chain registry ({exc.strerror})") from exc
    found = _cache.get((path, stamp))
    if found is None:
        found = load_registry(path)
        _cache.clear()
        _cache[(path, stamp)] = found
    return found
