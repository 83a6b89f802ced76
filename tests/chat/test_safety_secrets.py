"""Secrets a customer pastes are found (every wordlist, every length, keys) and ordinary text never is."""

import random

import base58
import pytest
from mnemonic import Mnemonic

from bench.search import NEEDLES, WORDS
from common.safety.secrets import MARKERS, PRIVATE_KEY, SEED_PHRASE, redact

# BIP-32 test vector 1's master key (public test data, holds nothing).
XPRV = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"


def _wif(compressed: bool, testnet: bool = False) -> str:
    payload = bytes([0xEF if testnet else 0x80]) + bytes(range(1, 33)) + (b"\x01" if compressed else b"")
    return base58.b58encode_check(payload).decode()


@pytest.mark.parametrize("language", Mnemonic.list_languages())
@pytest.mark.parametrize("strength", [128, 160, 192, 224, 256])
def test_a_seed_phrase_in_any_wordlist_and_length_is_removed(language, strength):
    phrase = Mnemonic(language).generate(strength)
    result = redact(f"Help! My wallet words: {phrase}. What now?")
    assert result.kinds == (SEED_PHRASE,)
    assert result.body == "Help! My wallet words: [seed phrase removed]. What now?"


def test_numbered_comma_separated_shouted_or_one_per_line_it_is_still_a_seed_phrase():
    words = Mnemonic("english").generate(128).split()
    for written in (
        " ".join(f"{i}. {w}" for i, w in enumerate(words, 1)),
        ", ".join(w.upper() for w in words),
        "\n".join(w.capitalize() for w in words),
        "-".join(words),
    ):
        result = redact(written)
        assert result.kinds == (SEED_PHRASE,), written
        left = result.body.lower().replace(MARKERS[SEED_PHRASE], "")  # "remove", "move" and "seed" are list words
        assert not any(word in left for word in words if len(word) > 3), result.body


def test_a_run_of_list_words_with_a_wrong_checksum_is_left_alone():
    words = Mnemonic("english").wordlist
    rng = random.Random(5)
    left_alone = 0
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(12))
        if redact(text).kinds == ():
            left_alone += 1
    # One random run in 16 passes a 4-bit checksum by chance: most are left alone, and only a checksum decides.
    assert 170 <= left_alone <= 200


def test_extended_and_wif_private_keys_are_removed_by_their_checksum():
    for key in (XPRV, _wif(True), _wif(False), _wif(True, testnet=True)):
        result = redact(f"my key {key} is it safe?")
        assert result == (result.__class__("my key [private key removed] is it safe?", (PRIVATE_KEY,))), key
    tampered = XPRV[:-1] + ("j" if XPRV[-1] != "j" else "k")
    assert redact(f"my key {tampered}").kinds == ()


@pytest.mark.parametrize(
    "text",
    [
        "my private key is 0x{h}",
        "Приватный ключ: {h}",
        "закрытый ключ {h} помогите",
        "المفتاح الخاص الخاص بي {h}",
        "我的私钥是 {h}",
        "ito ang private key ko {h}",
        "আমার প্রাইভেট কী {h}",
    ],
)
def test_a_64_hex_string_the_message_calls_a_private_key_is_removed(text):
    result = redact(text.format(h="4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
    assert result.kinds == (PRIVATE_KEY,)
    assert "4c0883a6" not in result.body


def test_a_64_hex_string_alone_is_a_txid_and_stays():
    for text in (
        "TXID 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        "hash: 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318 on BSC",
        "my key question: where is tx 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    ):
        assert redact(text).kinds == (), text


def _corpus_bodies(count: int) -> list[str]:
    """The benchmark's search corpus, built the same way: random runs of each language's support phrases."""
    rng = random.Random(11)
    bodies = []
    for index in range(count):
        language = list(WORDS)[index % len(WORDS)]
        words = rng.choices(WORDS[language], k=rng.randint(5, 40))
        if index % 997 == 0:
            words.append(NEEDLES[language])
        bodies.append(" ".join(words))
    return bodies


def _addresses_and_ids() -> list[str]:
    rng = random.Random(3)
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    found = []
    for _ in range(2000):
        found.append("0x" + "".join(rng.choice("0123456789abcdef") for _ in range(64)))  # TXIDs
        found.append("0x" + "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(40)))  # EVM addresses
        found.append("T" + "".join(rng.choice(alphabet) for _ in range(33)))  # TRON
        found.append("".join(rng.choice(alphabet) for _ in range(44)))  # Solana
        found.append("5" + "".join(rng.choice(alphabet) for _ in range(50)))  # WIF-shaped, no checksum
        found.append(f"order #{rng.randint(10**8, 10**12)} withdrawal W{rng.randint(10**6, 10**9)}")
    return found


def test_the_benchmark_corpus_in_six_languages_holds_no_secret():
    hits = [body for body in _corpus_bodies(60_000) if redact(body).kinds]
    assert hits == []


def test_txids_addresses_and_order_ids_hold_no_secret():
    hits = [text for text in _addresses_and_ids() if redact(text).kinds]
    assert hits == []
