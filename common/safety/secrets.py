"""Find and remove wallet secrets from a customer's message before anyone stores or sees it.

What counts (docs/SECURITY.md, "Secrets nobody keeps"):
- a seed phrase: 12, 15, 18, 21 or 24 consecutive words of one BIP-39 wordlist (any list the `mnemonic` package
  ships) whose checksum is valid. Words are split on whitespace and punctuation, in any case; numbers between the
  words ("1. abandon 2. ability …") are how people write them down and do not break the run.
- an extended private key (xprv/yprv/zprv/tprv/…) or a WIF private key, recognised by their Base58Check checksum;
- a 64-hex string when the message calls it a private key. A 64-hex string alone is a transaction hash and stays.

The checksum is what keeps ordinary text safe: normal sentences rarely hold twelve list words in a row, and a run
that does passes the checksum once in 16 (12 words) to once in 256 (24 words). tests/chat/test_safety_secrets.py
runs the detector over the demo and the benchmark corpus in six languages and expects nothing found.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import base58
from mnemonic import Mnemonic

SEED_PHRASE = "seed_phrase"
PRIVATE_KEY = "private_key"
MARKERS = {SEED_PHRASE: "[seed phrase removed]", PRIVATE_KEY: "[private key removed]"}
PHRASE_LENGTHS = (24, 21, 18, 15, 12)  # longest first: a 24-word phrase holds valid-looking 12-word windows

_WORD = re.compile(r"\w+")
_NUMBERING = re.compile(r"\d+")
_BASE58 = "1-9A-HJ-NP-Za-km-z"
_EXTENDED_KEY = re.compile(rf"(?<![{_BASE58}])[xyztuvYZUV]prv[{_BASE58}]{{100,112}}(?![{_BASE58}])")
_WIF = re.compile(rf"(?<![{_BASE58}])[5KLc9][{_BASE58}]{{50,51}}(?![{_BASE58}])")
_HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
# "Private key" in the six languages customers write in (and the usual shorthands).
_CALLS_IT_A_KEY = re.compile(
    r"private\s*key|priv\s*key|secret\s*key|pribadong\s+susi|lihim\s+na\s+susi"
    r"|приватн\w*\s+ключ|закрыт\w*\s+ключ|секретн\w*\s+ключ|приватник"
    r"|المفتاح\s+الخاص|مفتاح\s+خاص|المفتاح\s+السري|مفتاحي\s+الخاص"
    r"|私钥|私鑰|密钥"
    r"|প্রাইভেট\s+কী|ব্যক্তিগত\s+কী|গোপন\s+কী",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Redacted:
    body: str
    kinds: tuple[str, ...]  # SEED_PHRASE and/or PRIVATE_KEY, in that order; () when nothing was removed


def redact(original: str) -> Redacted:
    # Composed form: a word pasted as "pe\u0301simo" must be one word for \w, as "pésimo" is.
    text = unicodedata.normalize("NFC", original)
    spans: list[tuple[int, int, str]] = []
    spans += [(start, end, SEED_PHRASE) for start, end in _seed_phrases(text)]
    spans += [(m.start(), m.end(), PRIVATE_KEY) for m in _EXTENDED_KEY.finditer(text) if _base58check(m.group())]
    spans += [(m.start(), m.end(), PRIVATE_KEY) for m in _WIF.finditer(text) if _is_wif(m.group())]
    hex_strings = list(_HEX64.finditer(text))
    if hex_strings and _CALLS_IT_A_KEY.search(text):
        spans += [(m.start(), m.end(), PRIVATE_KEY) for m in hex_strings]
    if not spans:
        return Redacted(original, ())
    return Redacted(_replace(text, spans), tuple(kind for kind in MARKERS if any(s[2] == kind for s in spans)))


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, kind in sorted(spans):
        if start < position:  # overlaps one already removed
            continue
        parts += [text[position:start], MARKERS[kind]]
        position = end
    return "".join(parts) + text[position:]


# --- Seed phrases ------------------------------------------------------------------------------------------------


def _fold(word: str) -> str:
    """Any case, accents optional (people type "abaco" for "ábaco")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _wordlists() -> tuple[dict[str, int], ...]:
    """Each wordlist the mnemonic package ships, as folded word -> index (0-2047)."""
    return tuple(
        {_fold(word): index for index, word in enumerate(Mnemonic(language).wordlist)}
        for language in Mnemonic.list_languages()
    )


@cache
def _languages_of() -> dict[str, int]:
    """Folded word -> a bit per wordlist holding it: one lookup a word tells whether any list could match."""
    merged: dict[str, int] = {}
    for bit, words in enumerate(_wordlists()):
        for word in words:
            merged[word] = merged.get(word, 0) | 1 << bit
    return merged


def _seed_phrases(text: str) -> list[tuple[int, int]]:
    tokens = [m for m in _WORD.finditer(text) if not _NUMBERING.fullmatch(m.group())]
    if len(tokens) < min(PHRASE_LENGTHS):
        return []
    folded = [_fold(token.group()) for token in tokens]
    masks = [_languages_of().get(word, 0) for word in folded]
    if sum(1 for mask in masks if mask) < min(PHRASE_LENGTHS):
        return []  # the common case: fewer list words than the shortest phrase, in any language
    found: list[tuple[int, int]] = []
    for bit, words in enumerate(_wordlists()):
        if sum(1 for mask in masks if mask >> bit & 1) < min(PHRASE_LENGTHS):
            continue
        for run in _runs(folded, words):
            found += _valid_windows([words[folded[i]] for i in run], [tokens[i] for i in run])
    return found


def _runs(folded: list[str], words: dict[str, int]) -> list[list[int]]:
    """Positions of the runs of at least 12 consecutive words that are all in `words`."""
    runs, current = [], []
    for position, word in enumerate(folded):
        if word in words:
            current.append(position)
            continue
        if len(current) >= min(PHRASE_LENGTHS):
            runs.append(current)
        current = []
    if len(current) >= min(PHRASE_LENGTHS):
        runs.append(current)
    return runs


def _valid_windows(indices: list[int], run: list[re.Match]) -> list[tuple[int, int]]:
    found, start = [], 0
    while start + min(PHRASE_LENGTHS) <= len(run):
        for length in PHRASE_LENGTHS:
            if start + length <= len(run) and _checksum_ok(indices[start : start + length]):
                found.append((run[start].start(), run[start + length - 1].end()))
                start += length
                break
        else:
            start += 1
    return found


def _checksum_ok(indices: list[int]) -> bool:
    """BIP-39: 11 bits a word; the last len/33 bits are the first bits of SHA-256 over the rest (the entropy).
    Computed from the indices rather than with Mnemonic.check, which compares NFKD-normalised words to a list that
    is not (it fails every Russian phrase with a "й")."""
    bits = "".join(f"{index:011b}" for index in indices)
    checksum_bits = len(bits) // 33
    entropy = int(bits[:-checksum_bits], 2).to_bytes((len(bits) - checksum_bits) // 8, "big")
    digest = f"{int.from_bytes(hashlib.sha256(entropy).digest(), 'big'):0256b}"
    return digest[:checksum_bits] == bits[-checksum_bits:]


# --- Keys ----------------------------------------------------------------------------------------------------------


def _base58check(candidate: str) -> bytes | None:
    try:
        return base58.b58decode_check(candidate)
    except ValueError:
        return None


def _is_wif(candidate: str) -> bool:
    """Version byte 0x80 (mainnet) or 0xef (testnet), 32 key bytes, and 0x01 when the key is compressed."""
    payload = _base58check(candidate)
    if payload is None or payload[0] not in (0x80, 0xEF):
        return False
    return len(payload) == 33 or (len(payload) == 34 and payload[-1] == 0x01)
