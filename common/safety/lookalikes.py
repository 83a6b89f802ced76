"""Links whose domain imitates one of the exchange's official domains (HELPDESK_OFFICIAL_DOMAINS).

Phishing sites copy the exchange's name closely enough to pass a tired glance: another script's letters that look
the same (Cyrillic "а" for "a", written as punycode "xn--…" in the address bar), a letter or two changed
("binnance", "b1nance"), extra words around the brand ("binance-support.com", "secure-binance.net"), the brand as a
subdomain of someone else's site ("binance.com.verify-login.io"), or another top-level domain ("binance.co").
The exchange's own domains and their subdomains are never flagged.

Each host is reduced to a skeleton (homoglyphs to Latin letters with the Unicode confusables table, via the
confusable_homoglyphs package, plus the digit and letter-pair swaps of ASCII typosquats) and compared with each
official brand. Pure functions; tests/chat/test_safety_lookalikes.py.
"""

import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

from confusable_homoglyphs import confusables

HOMOGLYPH = "homoglyph"  # the same letters in another script, or punycode for them
TYPO = "typo"  # one or two letters changed, added or removed
EXTRA_WORDS = "extra_words"  # the brand with words around it, or as someone else's subdomain
OTHER_TLD = "other_tld"  # the brand exactly, under a top-level domain that is not the exchange's

_HOST = re.compile(
    r"(?:(?:https?|hxxps?)://)?((?:[\w-]{1,63}\.)+(?:xn--[a-z0-9-]{2,59}|[^\W\d_]{2,24}))(?=[/:?#\s]|$|[,.;!)\]])",
    re.IGNORECASE,
)
_ASCII_SWAPS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s"})
_PAIR_SWAPS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"))
_TWO_LEVEL_SUFFIXES = {"co.uk", "com.au", "co.jp", "com.br", "com.tr", "co.id", "com.ph", "com.bd", "com.sg"}


@dataclass(frozen=True)
class Lookalike:
    host: str  # as written in the message
    imitates: str  # the official domain it imitates
    how: str  # HOMOGLYPH | TYPO | EXTRA_WORDS | OTHER_TLD


def find_lookalikes(text: str, official_domains: list[str] | tuple[str, ...]) -> list[Lookalike]:
    official = [domain.lower().strip(".") for domain in official_domains if domain.strip(".")]
    found, seen = [], set()
    for match in _HOST.finditer(text):
        host = match.group(1).rstrip(".")
        if host.lower() in seen:
            continue
        seen.add(host.lower())
        verdict = judge(host, official)
        if verdict is not None:
            found.append(verdict)
    return found


def judge(host: str, official: list[str]) -> Lookalike | None:
    unicode_host = _from_punycode(host.lower())
    if any(unicode_host == domain or unicode_host.endswith("." + domain) for domain in official):
        return None
    labels = unicode_host.split(".")
    for domain in official:
        brand = _brand(domain)
        how = _imitation(labels, brand, homoglyphs=unicode_host != _skeleton(unicode_host))
        if how is not None:
            return Lookalike(host=host, imitates=domain, how=how)
    return None


def _imitation(labels: list[str], brand: str, *, homoglyphs: bool) -> str | None:
    named = labels[:-1] or labels
    flat = brand.replace("-", "")  # skeletons are compared without hyphens: so is a brand that has one
    for label in named:
        skeleton = _skeleton(label)
        if flat in (skeleton.replace("-", ""), skeleton.replace("l", "i").replace("-", "")):
            if homoglyphs or label != brand:
                return HOMOGLYPH  # "1" reads as "l" or as "i": both are tried
            return EXTRA_WORDS if label is not named[-1] else OTHER_TLD
        if len(flat) >= 4 and flat in skeleton.replace("-", ""):
            return HOMOGLYPH if homoglyphs and brand not in label else EXTRA_WORDS
        words = [skeleton] + [word for word in re.split(r"[-_]", skeleton) if word]
        if any(0 < _distance(word, brand) <= _typo_budget(brand) for word in words):
            return TYPO
    return None


def _brand(domain: str) -> str:
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _typo_budget(brand: str) -> int:
    return 0 if len(brand) < 4 else 1 if len(brand) <= 6 else 2


def _from_punycode(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with suppress(UnicodeError, ValueError):  # not valid punycode: compare it as written
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


@cache
def _skeleton(text: str) -> str:
    """Latin letters for look-alike characters: "bіnаnce" (Cyrillic і, а) and "b1nance" both give "binance"."""
    chars = []
    for char in unicodedata.normalize("NFKC", text.lower()):
        chars.append(_latin_twin(char))
    skeleton = "".join(chars).translate(_ASCII_SWAPS)
    for pair, letter in _PAIR_SWAPS:
        skeleton = skeleton.replace(pair, letter)
    return skeleton


@cache
def _latin_twin(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalnum():
                return glyph["c"].lower()
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base.isascii() else char


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, stopping early: only small distances matter here."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]
