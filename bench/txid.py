"""TXID lookup: recovery.lookup.ask_all over 7 local anvil chains, one of them behind a slow proxy.

The wall time of asking all seven should be about that of the slowest chain alone (they are asked at once).
"""

import json
import statistics
import subprocess
import time
import urllib.request
from dataclasses import replace

from bench.env import OUT, PYTHON, ROOT
from bench.procs import free_port, stop, wait_port
from recovery.chains import Chain
from recovery.lookup import ask_all

ANVIL = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
CHAIN_IDS = {
    "ethereum": 1,
    "bsc": 56,
    "polygon": 137,
    "arbitrum": 42161,
    "optimism": 10,
    "base": 8453,
    "avalanche": 43114,
}
DELAYED = "ethereum"
DELAY_S = 0.3
ROUNDS = 5
ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
ACCOUNT_1 = "0x70997970C51812dc3A010C7cf90f5E08C42dB1eA"


def rpc(url: str, method: str, params: list) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


def chain(key: str, url: str) -> Chain:
    return Chain(
        key=key,
        name=key.title(),
        chain_id=CHAIN_IDS[key],
        rpc_urls=(url,),
        explorer_tx="x/{hash}",
        explorer_address="x/{address}",
        native_symbol="ETH",
        poa=False,
        confirmations=1,
        deposits=True,
        tokens=(),
        timeout_seconds=10.0,
    )


def wall(chains: list[Chain], tx_hash: str) -> float:
    started = time.perf_counter()
    answers = list(ask_all(chains, tx_hash, retries=0, deposit_lookup=lambda address: []))
    elapsed = (time.perf_counter() - started) * 1000
    assert len(answers) == len(chains)
    return elapsed


def start_chains(procs: list, log) -> list[Chain]:
    """One anvil node per chain id in CHAIN_IDS, on free loopback ports; each Popen is appended to `procs`."""
    chains = []
    for key, chain_id in CHAIN_IDS.items():
        port = free_port()
        procs.append(
            subprocess.Popen(
                [str(ANVIL), "--chain-id", str(chain_id), "--port", str(port), "--silent"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_port(port, procs[-1])
        chains.append(chain(key, f"http://127.0.0.1:{port}"))
    return chains


def behind_delay(procs: list, target: Chain, delay_s: float) -> Chain:
    """The same chain, reached through bench/delay_proxy.py: every request waits `delay_s` (a distant node)."""
    port = free_port()
    procs.append(
        subprocess.Popen(
            [PYTHON, "-m", "bench.delay_proxy", str(port), target.rpc_urls[0].rsplit(":", 1)[1], str(delay_s)],
            cwd=ROOT,
        )
    )
    wait_port(port, procs[-1])
    return replace(target, rpc_urls=(f"http://127.0.0.1:{port}",))


def send_native(url: str) -> str:
    """A mined transfer between anvil's unlocked accounts; returns its hash."""
    return rpc(url, "eth_sendTransaction", [{"from": ACCOUNT_0, "to": ACCOUNT_1, "value": hex(10**17)}])


def measure() -> dict:
    if not ANVIL.exists():
        return {"skipped": "anvil is not installed (npm ci)"}
    procs = []
    log = open(OUT / "anvil.log", "a")  # noqa: SIM115
    try:
        chains = start_chains(procs, log)
        delayed = next(c for c in chains if c.key == DELAYED)
        tx_hash = send_native(delayed.rpc_urls[0])
        chains = [behind_delay(procs, c, DELAY_S) if c is delayed else c for c in chains]
        wall(chains, tx_hash)  # warm imports and connections
        singles = {c.key: statistics.median(wall([c], tx_hash) for _ in range(3)) for c in chains}
        together = [wall(chains, tx_hash) for _ in range(ROUNDS)]
    finally:
        for proc in procs:
            stop(proc)
        log.close()
    slowest = max(singles.values())
    return {
        "chains": len(chains),
        "delay_ms_per_request": DELAY_S * 1000,
        "singles_ms": singles,
        "slowest_single_ms": slowest,
        "all_ms": together,
        "all_median_ms": statistics.median(together),
        "ratio": statistics.median(together) / slowest,
    }
