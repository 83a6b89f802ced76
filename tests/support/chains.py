"""Real local EVM chains for tests: anvil nodes (started and stopped by pid), the project's test ERC-20 token,
and a small asyncio TCP proxy that delays requests, to make one node slow or cut it off."""

import asyncio
import json
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from web3 import Web3

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
ANVIL = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
TOKEN_ARTIFACT = ROOT / "contracts" / "build" / "TestToken.json"
# anvil's default accounts are unlocked and identical on every chain.
DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


@dataclass
class AnvilNode:
    chain_id: int
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def w3(self) -> Web3:
        return Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 10}))

    def rpc(self, method: str, params: list | None = None):
        response = self.w3.provider.make_request(method, params or [])
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result")

    def start(self) -> "AnvilNode":
        self.process = subprocess.Popen(
            [str(ANVIL), "--chain-id", str(self.chain_id), "--port", str(self.port), "--silent"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"anvil (chain {self.chain_id}) exited at start-up")
            try:
                if self.w3.eth.chain_id == self.chain_id:
                    return self
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"anvil (chain {self.chain_id}) did not answer in time")

    def kill(self) -> None:
        """Stop this node at once, by its pid (SIGKILL: a node that dies, not one that shuts down)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_anvil(chain_id: int, port: int | None = None) -> AnvilNode:
    return AnvilNode(chain_id=chain_id, port=port or free_port()).start()


def token_artifact() -> dict:
    return json.loads(TOKEN_ARTIFACT.read_text())


def deploy_token(node: AnvilNode, *, name: str, symbol: str, decimals: int, supply: int) -> str:
    """Deploy the project's TestToken from the deployer; returns its lower-case address."""
    artifact = token_artifact()
    w3 = node.w3
    contract = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx_hash = contract.constructor(name, symbol, decimals, supply).transact({"from": DEPLOYER})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)
    return str(receipt["contractAddress"]).lower()


def token_transfer(node: AnvilNode, token: str, to: str, amount: int, *, sender: str = DEPLOYER, gas=None) -> str:
    """Send `amount` base units of `token` to `to`; returns the 0x hash (mined at once unless automine is off)."""
    contract = node.w3.eth.contract(address=Web3.to_checksum_address(token), abi=token_artifact()["abi"])
    options = {"from": Web3.to_checksum_address(sender)}
    if gas:
        options["gas"] = gas  # a fixed gas skips estimation, so a reverting transfer is still mined (as failed)
    return contract.functions.transfer(Web3.to_checksum_address(to), amount).transact(options).to_0x_hex()


def native_transfer(node: AnvilNode, to: str, wei: int, *, sender: str = DEPLOYER) -> str:
    tx = {"from": Web3.to_checksum_address(sender), "to": Web3.to_checksum_address(to), "value": wei}
    return node.w3.eth.send_transaction(tx).to_0x_hex()


def chains_toml(entries: list[dict], *, timeout: float = 3, retries: int = 0) -> str:
    """A registry file for local nodes. Each entry: key, name, chain_id, url, and optional poa, deposits,
    confirmations, tokens [(symbol, address, decimals)], native_symbol."""
    lines = [f"[lookup]\ntimeout_seconds = {timeout}\nretries = {retries}\n"]
    for entry in entries:
        tokens = ", ".join(
            f'{{ symbol = "{s}", address = "{a}", decimals = {d} }}' for s, a, d in entry.get("tokens", [])
        )
        host = entry.get("explorer", f"{entry['key']}.explorer.test")
        lines.append(
            "[[chains]]\n"
            f'key = "{entry["key"]}"\nname = "{entry["name"]}"\nchain_id = {entry["chain_id"]}\n'
            f'rpc_urls = ["{entry["url"]}"]\n'
            f'explorer = {{ tx = "https://{host}/tx/{{hash}}", address = "https://{host}/address/{{address}}" }}\n'
            f'native_symbol = "{entry.get("native_symbol", "ETH")}"\n'
            f"poa = {str(entry.get('poa', False)).lower()}\n"
            f"confirmations = {entry.get('confirmations', 3)}\n"
            f"deposits = {str(entry.get('deposits', True)).lower()}\n"
            f"tokens = [{tokens}]\n"
        )
    return "\n".join(lines)


# --- A delaying TCP proxy ----------------------------------------------------------------------------------


@dataclass
class DelayProxy:
    """Forwards 127.0.0.1:port to the target port, holding every chunk from the client for `delay` seconds.

    With HTTP keep-alive each JSON-RPC request is one chunk, so each request gets slower by `delay`."""

    target_port: int
    delay: float = 0.0
    port: int = field(default_factory=free_port)
    requests: int = 0
    drop_connections: int = 0  # close this many new connections at once (a flaky node), then behave

    def __post_init__(self):
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delaying proxy did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, client_reader, client_writer) -> None:
        if self.drop_connections > 0:
            self.drop_connections -= 1
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            self._pump(client_reader, upstream_writer, delayed=True),
            self._pump(upstream_reader, client_writer, delayed=False),
            return_exceptions=True,
        )

    async def _pump(self, reader, writer, *, delayed: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                if delayed:
                    self.requests += 1
                    await asyncio.sleep(self.delay)
                writer.write(chunk)
                await writer.drain()
        finally:
            writer.close()

    async def _shutdown(self) -> None:
        self._server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        self._loop.stop()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        self._thread.join(10)
        self._loop.close()
