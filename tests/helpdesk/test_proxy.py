"""X-Forwarded-For names the client only when a trusted proxy sent it (helpdesk/proxy.py, HELPDESK_TRUSTED_PROXIES).

Before: the image ran uvicorn with FORWARDED_ALLOW_IPS="*" and compose published the port, so anyone could send a
fresh X-Forwarded-For with each guess and the per-address sign-in limit never triggered. The end-to-end tests run
uvicorn exactly as the Dockerfile's CMD does, in its own process."""

import http.cookiejar
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from helpdesk.proxy import TrustedProxyHeaders
from tests.conftest import ROOT, require
from tests.support.cache import cache_clear
from tests.support.servers import child_env_for_test_db, free_port

LIMIT = 3


def _networks(*values: str) -> list:
    return [ipaddress.ip_network(value) for value in values]


async def _client_seen(trusted: list, peer: str, forwarded: list[bytes], kind: str = "http") -> str:
    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"][0]

    headers = [(b"host", b"help.example.com")] + [(b"x-forwarded-for", value) for value in forwarded]
    await TrustedProxyHeaders(app, trusted)({"type": kind, "client": (peer, 5000), "headers": headers}, None, None)
    return seen["client"]


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ([], "203.0.113.5", [b"198.51.100.1"], "203.0.113.5"),  # the default: nobody's header is believed
        ([], "127.0.0.1", [b"198.51.100.1"], "127.0.0.1"),  # not even from loopback (uvicorn's own default)
        (["10.0.0.0/8"], "203.0.113.5", [b"198.51.100.1"], "203.0.113.5"),  # a peer that is not our proxy
        (["10.0.0.5"], "10.0.0.5", [b"198.51.100.1"], "198.51.100.1"),  # our proxy's word
        (["10.0.0.5"], "10.0.0.5", [b"1.2.3.4, 198.51.100.1"], "198.51.100.1"),  # the client's own entry is ignored
        (["10.0.0.5"], "10.0.0.5", [b"1.2.3.4", b"198.51.100.1"], "198.51.100.1"),  # two headers read as one list
        (["10.0.0.0/8"], "10.0.0.5", [b"198.51.100.1, 10.0.0.7"], "198.51.100.1"),  # through two of our proxies
        (["10.0.0.0/8"], "10.0.0.5", [b"10.0.0.9, 10.0.0.7"], "10.0.0.9"),  # only proxies: as far as we can see
        (["10.0.0.5"], "10.0.0.5", [], "10.0.0.5"),  # no header: the peer
        (["2001:db8::/48"], "2001:db8::1", [b"2001:db9::7, 2001:db8::2"], "2001:db9::7"),
    ],
)
async def test_the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise(trusted, peer, forwarded, client):
    assert await _client_seen(_networks(*trusted), peer, forwarded) == client


async def test_websocket_handshakes_are_read_the_same_way():
    assert await _client_seen(_networks("10.0.0.5"), "10.0.0.5", [b"198.51.100.1"], "websocket") == "198.51.100.1"
    assert await _client_seen([], "10.0.0.5", [b"198.51.100.1"], "websocket") == "10.0.0.5"


def test_a_trusted_proxies_value_that_is_not_an_address_stops_the_start():
    env = {**os.environ, "HELPDESK_TRUSTED_PROXIES": "10.0.0.5,proxy.internal"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "HELPDESK_TRUSTED_PROXIES" in result.stderr and "proxy.internal" in result.stderr


# --- end to end: uvicorn as the image starts it -------------------------------------------------------------


def _dockerfile_lines(instruction: str) -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.removeprefix(instruction).strip() for line in text.splitlines() if line.startswith(instruction)]


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (exec form)."""
    return json.loads(_dockerfile_lines("CMD ")[-1])


def dockerfile_env() -> dict:
    """What the Dockerfile's ENV lines set (`ENV A=1 B="two"`)."""
    return dict(item.split("=", 1) for line in _dockerfile_lines("ENV ") for item in shlex.split(line))


@contextmanager
def production_server(**env):
    argv = dockerfile_command()
    assert argv[0] == "uvicorn"
    port = free_port()
    argv[argv.index("--host") + 1], argv[argv.index("--port") + 1] = "127.0.0.1", str(port)
    child = child_env_for_test_db()
    child.pop("FORWARDED_ALLOW_IPS", None)  # only what the image sets
    child.pop("HELPDESK_TRUSTED_PROXIES", None)
    child.update(dockerfile_env(), HELPDESK_LOGIN_RATE_LIMIT=str(LIMIT), **env)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with open(ROOT / "test-artifacts" / f"proxy-uvicorn-{port}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", *argv], cwd=ROOT, env=child, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, proc)
            yield url
        finally:
            proc.terminate()
            proc.wait(15)


def _wait_until_up(url: str, proc) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "uvicorn exited at start-up (see test-artifacts/proxy-uvicorn-*.log)"
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("uvicorn did not start")


def sign_in(url: str, email: str, forwarded_for: str) -> int:
    """One failed sign-in on the login page, as a browser does it (CSRF cookie and token), with a forged header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": "wrong"}).encode()
    request = urllib.request.Request(f"{url}/login/", data=form, headers={"X-Forwarded-For": forwarded_for})
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.fixture
def fresh_limits(transactional_db):
    require("postgres", "redis")  # the server process and this test share the database and the Redis cache
    cache_clear()
    yield
    cache_clear()


def test_a_forged_header_from_an_untrusted_peer_changes_nothing(fresh_limits):
    with production_server() as url:
        for n in range(LIMIT):
            assert sign_in(url, f"guess-{n}@test.example", forwarded_for=f"198.51.100.{n}") == 200
        assert sign_in(url, "guess-x@test.example", forwarded_for="198.51.100.99") == 429, "the limit still holds"


def test_the_configured_proxys_header_is_honoured(fresh_limits):
    with production_server(HELPDESK_TRUSTED_PROXIES="127.0.0.1") as url:
        for n in range(LIMIT):
            assert sign_in(url, f"guess-{n}@test.example", forwarded_for="203.0.113.10") == 200
        assert sign_in(url, "guess-x@test.example", forwarded_for="203.0.113.10") == 429
        # what the client wrote before the proxy's own entry proves nothing
        assert sign_in(url, "guess-y@test.example", forwarded_for="192.0.2.1, 203.0.113.10") == 429
        assert sign_in(url, "guess-z@test.example", forwarded_for="203.0.113.11") == 200, "another client is not"
