"""Demo data for the wrong-chain walkthrough (`make run`).

`seed(stdout)` runs inside `manage.py seed_demo`: it makes sure demo-alice has an Ethereum deposit address.
`seed_chains(...)` runs once `scripts/demo-chains` has started two local anvil chains (ids 1 and 56): it deploys
the project's test USDT on both (same address, as on real chains), sends demo-alice's USDT to her Ethereum
deposit address but on BNB Smart Chain (the wrong network), adds a normal deposit on Ethereum and a transfer to a
look-alike of her deposit address (address poisoning: same first and last four characters), and writes a chain
registry file pointing at the local chains.
"""

import json
from pathlib import Path

DEMO_CUSTOMER = "demo-alice"
FALLBACK_ADDRESS = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc"  # used only if no tickets demo gave her one
ARTIFACT = Path(__file__).resolve().parent.parent / "contracts" / "build" / "TestToken.json"
DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil's first, unlocked account
CONFIRMATIONS = 3


def seed(stdout) -> None:
    address = alice_deposit_address()
    stdout.write(f"Recovery demo: {DEMO_CUSTOMER} deposits to {address} on Ethereum.")


def alice_deposit_address() -> str:
    from tickets import services as tickets_services
    from tickets.models import DepositAddress

    customer = tickets_services.customer_upsert(external_id=DEMO_CUSTOMER)
    found = DepositAddress.objects.filter(customer=customer, chain="ethereum", memo="").order_by("id").first()
    if found is not None:
        return found.address
    added = tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=FALLBACK_ADDRESS)
    return added.address


def seed_chains(*, ethereum_url: str, bsc_url: str, out: Path) -> dict:
    """Deploy, send the demo transfers and write the registry file (+ a `.txids.json` beside it)."""
    from web3 import Web3

    deposit = Web3.to_checksum_address(alice_deposit_address())
    eth = Web3(Web3.HTTPProvider(ethereum_url, request_kwargs={"timeout": 10}))
    bsc = Web3(Web3.HTTPProvider(bsc_url, request_kwargs={"timeout": 10}))
    usdt = {name: _deploy(w3) for name, w3 in (("ethereum", eth), ("bsc", bsc))}
    if usdt["ethereum"] != usdt["bsc"]:
        raise RuntimeError("the demo chains are not fresh: the token got two addresses")
    txids = {
        "wrong_network": _send_usdt(bsc, usdt["bsc"], deposit, 250),
        "credited": _send_usdt(eth, usdt["ethereum"], deposit, 120),
        "poisoning": _send_usdt(eth, usdt["ethereum"], lookalike_of(deposit), 500),
    }
    eth.provider.make_request("anvil_mine", [hex(CONFIRMATIONS + 2)])
    out.write_text(registry_toml(ethereum_url, bsc_url, usdt["ethereum"]))
    out.with_suffix(".txids.json").write_text(json.dumps(txids, indent=2))
    return txids


def lookalike_of(address: str) -> str:
    """What a poisoner generates: the same first and last four characters, anything in between (fixed here, so the
    demo is the same every time)."""
    from web3 import Web3

    return Web3.to_checksum_address("0x" + address[2:6] + "5eed" * 8 + address[-4:])


def _deploy(w3) -> str:
    artifact = json.loads(ARTIFACT.read_text())
    contract = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx = contract.constructor("Tether USD (demo)", "USDT", 6, 10**12 * 10**6).transact({"from": DEPLOYER})
    return str(w3.eth.wait_for_transaction_receipt(tx, timeout=10)["contractAddress"]).lower()


def _send_usdt(w3, token: str, to: str, whole: int) -> str:
    artifact = json.loads(ARTIFACT.read_text())
    contract = w3.eth.contract(address=w3.to_checksum_address(token), abi=artifact["abi"])
    tx = contract.functions.transfer(to, whole * 10**6).transact({"from": DEPLOYER})
    w3.eth.wait_for_transaction_receipt(tx, timeout=10)
    return tx.to_0x_hex()


def registry_toml(ethereum_url: str, bsc_url: str, usdt: str) -> str:
    chains = [
        ("ethereum", "Ethereum", 1, ethereum_url, "ETH", "false", "etherscan.io"),
        ("bsc", "BNB Smart Chain", 56, bsc_url, "BNB", "true", "bscscan.com"),
    ]
    parts = [
        "# Written by `make run` for the offline demo: two local anvil chains.\n"
        "[lookup]\ntimeout_seconds = 5\nretries = 1\n"
    ]
    for key, name, chain_id, url, symbol, poa, host in chains:
        parts.append(
            f'[[chains]]\nkey = "{key}"\nname = "{name}"\nchain_id = {chain_id}\nrpc_urls = ["{url}"]\n'
            f'explorer = {{ tx = "https://{host}/tx/{{hash}}", address = "https://{host}/address/{{address}}" }}\n'
            f'native_symbol = "{symbol}"\npoa = {poa}\nconfirmations = {CONFIRMATIONS}\ndeposits = true\n'
            f'tokens = [{{ symbol = "USDT", address = "{usdt}", decimals = 6 }}]\n'
        )
    return "\n".join(parts)


def demo_txids(chains_file: str) -> dict:
    """The demo's TXIDs, if `make run` started the local chains (for a hint in the walkthrough)."""
    path = Path(chains_file).with_suffix(".txids.json")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
