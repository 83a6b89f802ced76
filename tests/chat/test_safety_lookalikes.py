"""Look-alike domains of the exchange's official ones are flagged, with how they imitate; real ones never."""

import pytest

from common.safety.lookalikes import EXTRA_WORDS, HOMOGLYPH, OTHER_TLD, TYPO, find_lookalikes

OFFICIAL = ["binance.com", "binance.us"]


@pytest.mark.parametrize(
    ("text", "host", "how"),
    [
        ("log in at https://bіnаnce.com/login", "bіnаnce.com", HOMOGLYPH),  # Cyrillic і and а
        ("https://xn--bnnce-5ve8x.com/verify", "xn--bnnce-5ve8x.com", HOMOGLYPH),  # the same, as punycode
        ("b1nance.com/verify", "b1nance.com", HOMOGLYPH),
        ("binnance.com", "binnance.com", TYPO),
        ("go to bnance.com now", "bnance.com", TYPO),
        ("https://binance-support.com", "binance-support.com", EXTRA_WORDS),
        ("secure-binance.net/login", "secure-binance.net", EXTRA_WORDS),
        ("binance.com.verify-login.io", "binance.com.verify-login.io", EXTRA_WORDS),
        ("https://binance.co/", "binance.co", OTHER_TLD),
    ],
)
def test_a_lookalike_is_flagged_with_how_it_imitates(text, host, how):
    [found] = find_lookalikes(text, OFFICIAL)
    assert (found.host, found.imitates, found.how) == (host, "binance.com", how)


@pytest.mark.parametrize(
    "text",
    [
        "https://binance.com/en/login",
        "https://www.binance.com/support/faq",
        "accounts.binance.us",
        "see etherscan.io/tx/0xabc and bscscan.com",
        "google.com, e.g. this, file.pdf, v1.2.3",
        "I sent 250 USDT on BSC to my deposit address",
    ],
)
def test_official_domains_and_unrelated_ones_are_not_flagged(text):
    assert find_lookalikes(text, OFFICIAL) == []


def test_nothing_is_flagged_without_official_domains():
    assert find_lookalikes("https://bіnаnce.com", []) == []


@pytest.mark.parametrize(
    "host",
    ["demo-exchange-support.test", "demo-exchange.test.verify.io", "dem0-exchange.test", "demo-exchange.co"],
)
def test_a_brand_with_a_hyphen_is_imitated_like_any_other(host):
    assert [found.imitates for found in find_lookalikes(f"see https://{host}/login", ["demo-exchange.test"])] == [
        "demo-exchange.test"
    ]
    assert find_lookalikes("https://www.demo-exchange.test/login exchange.test", ["demo-exchange.test"]) == []
