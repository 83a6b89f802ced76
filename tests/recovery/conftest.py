"""Local chains for the recovery tests: anvil nodes with chain ids 1, 56 and 137 (one set per test session),
the project's TestToken deployed on each at the same address, and a chain registry file pointing at them."""

import pytest

from tests.conftest import require
from tests.support.chains import chains_toml, deploy_token, start_anvil

USDT_SUPPLY = 10**6 * 10**6
ODD_SUPPLY = 10**6 * 10**18


class LocalChains:
    def __init__(self):
        self.nodes = {"ethereum": start_anvil(1), "bsc": start_anvil(56), "polygon": start_anvil(137)}
        # Same deployer, same nonces, same order: the same token addresses on every chain (as in real life).
        usdt = {
            key: deploy_token(n, name="Tether", symbol="USDT", decimals=6, supply=USDT_SUPPLY)
            for key, n in self.nodes.items()
        }
        odd = {
            key: deploy_token(n, name="Oddity", symbol="ODD", decimals=18, supply=ODD_SUPPLY)
            for key, n in self.nodes.items()
        }
        assert len(set(usdt.values())) == 1 and len(set(odd.values())) == 1
        self.usdt = usdt["ethereum"]
        self.odd = odd["ethereum"]

    def entries(self, urls: dict[str, str] | None = None) -> list[dict]:
        urls = {key: node.url for key, node in self.nodes.items()} | (urls or {})
        usdt = [("USDT", self.usdt, 6)]
        return [
            {"key": "ethereum", "name": "Ethereum", "chain_id": 1, "url": urls["ethereum"], "tokens": usdt},
            {
                "key": "bsc",
                "name": "BNB Smart Chain",
                "chain_id": 56,
                "url": urls["bsc"],
                "poa": True,
                "native_symbol": "BNB",
                "tokens": usdt,
            },
            {
                "key": "polygon",
                "name": "Polygon",
                "chain_id": 137,
                "url": urls["polygon"],
                "poa": True,
                "native_symbol": "POL",
                "deposits": False,
                "tokens": usdt,
            },
        ]

    def stop(self):
        for node in self.nodes.values():
            node.stop()


@pytest.fixture(scope="session")
def local_chains():
    require("anvil")
    chains = LocalChains()
    yield chains
    chains.stop()


@pytest.fixture
def chains_file(local_chains, tmp_path, settings):
    """Point the registry at the local nodes; call it again with other urls/entries to change them."""

    def write(urls: dict[str, str] | None = None, entries: list[dict] | None = None, **options):
        path = tmp_path / f"chains-{write.count}.toml"
        write.count += 1
        path.write_text(chains_toml(entries or local_chains.entries(urls), **options))
        settings.CHAINS_FILE = str(path)
        return path

    write.count = 0
    write()
    return write


@pytest.fixture
def chains_env(chains_file, monkeypatch, settings):
    """A worker process reads the registry file from its environment: give it the one this test uses."""
    monkeypatch.setenv("HELPDESK_CHAINS_FILE", settings.CHAINS_FILE)
