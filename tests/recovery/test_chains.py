"""The chain registry file: the default loads, and every kind of mistake is refused with its line and key."""

import pytest

from recovery.chains import ChainsFileError, load_registry, registry, whole_units

GOOD = """
[lookup]
timeout_seconds = 3
retries = 1

[[chains]]
key = "ethereum"
name = "Ethereum"
chain_id = 1
rpc_urls = ["http://127.0.0.1:1"]
explorer = { tx = "https://etherscan.io/tx/{hash}", address = "https://etherscan.io/address/{address}" }
native_symbol = "ETH"
poa = false
confirmations = 3
deposits = true
tokens = [{ symbol = "USDT", address = "0xdAC17F958D2ee523a2206206994597C13D831ec7", decimals = 6 }]

[[chains]]
key = "bsc"
name = "BNB Smart Chain"
chain_id = 56
rpc_urls = ["http://127.0.0.1:2"]
explorer = { tx = "https://bscscan.com/tx/{hash}", address = "https://bscscan.com/address/{address}" }
native_symbol = "BNB"
poa = true
confirmations = 3
deposits = false
tokens = []
"""


def write(tmp_path, text):
    path = tmp_path / "chains.toml"
    path.write_text(text)
    return path


def test_the_default_file_lists_the_seven_chains():
    from django.conf import settings

    loaded = load_registry(settings.BASE_DIR / "recovery" / "chains.default.toml")
    assert [(c.key, c.chain_id) for c in loaded.chains] == [
        ("ethereum", 1),
        ("bsc", 56),
        ("polygon", 137),
        ("arbitrum", 42161),
        ("optimism", 10),
        ("base", 8453),
        ("avalanche", 43114),
    ]
    for chain in loaded.chains:
        assert {t.symbol for t in chain.tokens} == {"USDT", "USDC"}
        assert chain.rpc_urls and chain.explorer_tx.startswith("https://")
    assert loaded.get("bsc").poa and loaded.get("polygon").poa and not loaded.get("ethereum").poa


def test_a_good_file_loads_with_its_values(tmp_path):
    loaded = load_registry(write(tmp_path, GOOD))
    eth = loaded.get("ethereum")
    assert eth.timeout_seconds == 3.0 and loaded.retries == 1
    assert eth.token("0xDAC17F958D2EE523A2206206994597C13D831EC7").decimals == 6
    assert eth.tx_url("0xab") == "https://etherscan.io/tx/0xab"
    assert loaded.explorer_hosts() == {"etherscan.io": "ethereum", "bscscan.com": "bsc"}
    assert loaded.get("bsc").deposits is False


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("chain_id = 56", 'chain_id = "56"', "line 21: chain #2 ('bsc'): chain_id must be a whole number"),
        ("poa = true", 'poa = "yes"', "line 25: chain #2 ('bsc'): poa must be true or false"),
        ('key = "bsc"', 'key = "ethereum"', "chain key 'ethereum' appears twice"),
        ("chain_id = 56", "chain_id = 1", "chain_id 1 appears twice"),
        ('rpc_urls = ["http://127.0.0.1:2"]', 'rpc_urls = ["ftp://x"]', "line 22: chain #2 ('bsc'): rpc_urls holds"),
        ("deposits = false", "deposits = false\ncolour = 1", "unknown key 'colour'"),
        ("confirmations = 3\ndeposits = true", "deposits = true", "chain #1 ('ethereum') lacks confirmations"),
        ("decimals = 6", "decimals = -1", "tokens.decimals must be a whole number"),
        ('address = "0xdAC17F958D2ee523a2206206994597C13D831ec7"', 'address = "0x12"', "bad address '0x12'"),
        ("https://bscscan.com/tx/{hash}", "http://bscscan.com/tx/{hash}", "explorer links must be https://"),
        ("timeout_seconds = 3", "timeout_seconds = 0", "line 3: [lookup]: timeout_seconds must be"),
        ("[lookup]", "[lookups]", "unknown top-level key 'lookups'"),
        ('name = "Ethereum"', "name = ", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_what(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ChainsFileError) as caught:
        load_registry(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ChainsFileError, match="cannot read"):
        load_registry(tmp_path / "absent.toml")


def test_the_registry_in_use_follows_settings_and_reloads_a_changed_file(tmp_path, settings):
    path = write(tmp_path, GOOD)
    settings.CHAINS_FILE = str(path)
    assert registry().get("bsc").deposits is False
    path.write_text(GOOD.replace("deposits = false", "deposits = true"))
    import os

    os.utime(path, (1, 1))
    assert registry().get("bsc").deposits is True


def test_a_broken_edit_keeps_nothing_half_loaded(tmp_path, settings):
    path = write(tmp_path, GOOD)
    settings.CHAINS_FILE = str(path)
    registry()
    path.write_text(GOOD.replace("chain_id = 56", "chain_id = 0"))
    import os

    os.utime(path, (2, 2))
    with pytest.raises(ChainsFileError, match="chain_id"):
        registry()


@pytest.mark.parametrize(
    ("raw", "decimals", "text"),
    [(1_500_000, 6, "1.5"), (10**18, 18, "1"), (0, 18, "0"), (1, 18, "0.000000000000000001"), (123, 0, "123")],
)
def test_amounts_are_plain_decimal_strings(raw, decimals, text):
    assert whole_units(raw, decimals) == text


def test_manage_py_check_names_a_broken_registry(tmp_path, settings):
    from recovery.apps import check_chains_file

    settings.CHAINS_FILE = str(write(tmp_path, GOOD.replace("poa = true", "poa = 1")))
    errors = check_chains_file()
    assert [e.id for e in errors] == ["recovery.E001"] and "poa must be true or false" in errors[0].msg
    settings.CHAINS_FILE = str(write(tmp_path, GOOD))
    assert check_chains_file() == []
