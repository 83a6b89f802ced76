"""A real OpenID Provider process (node + oidc-provider) for the single sign-on tests."""

import json
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.servers import ROOT, free_port

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "helpdesk-test"
CLIENT_SECRET = "helpdesk-test-client-secret-not-real"


def _warm_up(issuer: str) -> None:
    """The first answers of a fresh node process are slow (compiling, making its signing keys): not in a test."""
    import requests

    metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=30).json()
    requests.get(metadata["jwks_uri"], timeout=30).raise_for_status()


@contextmanager
def oidc_provider(redirect_uri: str, accounts: dict):
    """Start the provider; yield its issuer URL; stop it by its pid."""
    port = free_port()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "NODE_PATH": str(ROOT / "node_modules"),
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": redirect_uri,
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    proc = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("ready "):
                issuer = line.split()[1]
                _warm_up(issuer)
                yield issuer
                return
            if not line and proc.poll() is not None:
                break
        raise RuntimeError(f"the OpenID provider did not start (exit {proc.poll()})")
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
