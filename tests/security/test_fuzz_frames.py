"""Websocket frames fuzzed with hypothesis against the real server (uvicorn, Redis, PostgreSQL): every bad frame
gets exactly one error frame, nothing is logged as a server error, and the socket survives (a ping after each batch
gets a pong). The rate limit is raised for this test; it is tested at its real value in test_limits.py."""

import json
import logging

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chat.models import Message
from tests.chat.helpers import session_cookie, widget_token
from tests.conftest import require
from tests.security.frames import KNOWN_NASTIES, bad_frames

BATCH = 100
BATCHES = 50  # per socket: 5,000 frames on the widget socket and 5,000 on the agent socket
BACKGROUND = {"queue", "conversation", "offer", "typing", "read", "presence", "message"}


class ServerErrors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server_errors():
    handler = ServerErrors()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def fuzz_server(settings, asgi_server):
    require("redis", "postgres")
    settings.CHAT_RATE_PER_10S = 10**9
    return asgi_server


def next_answer(ws) -> dict:
    while True:
        frame = json.loads(ws.recv(timeout=10))
        if frame["type"] not in BACKGROUND:
            return frame


def strict_json_answer(raw, expected: set[str]) -> set[str]:
    """NaN/Infinity are refused as bad JSON and lone surrogate escapes as a bad frame, whatever else is wrong."""
    if isinstance(raw, bytes):
        return expected
    if "NaN" in raw or "Infinity" in raw:
        expected = expected | {"bad_json"}
    if "\\ud" in raw.lower():
        expected = expected | {"bad_frame"}
    return expected


def fuzz(ws, *, agent: bool) -> dict:
    """Send BATCHES batches of bad frames; return the count of frames and of each error code."""
    seen = {"frames": 0, "codes": {}}

    @hsettings(
        max_examples=BATCHES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=st.lists(bad_frames(agent=agent), min_size=BATCH, max_size=BATCH))
    def run(batch):
        for raw, expected in batch:
            expected = strict_json_answer(raw, expected)
            ws.send(raw)
            answer = next_answer(ws)
            assert answer["type"] == "error", (raw[:200], answer)
            assert answer["code"] in expected, (raw[:200], answer)
            assert isinstance(answer["detail"], str) and answer["detail"]
            seen["frames"] += 1
            seen["codes"][answer["code"]] = seen["codes"].get(answer["code"], 0) + 1
        ws.send(json.dumps({"type": "ping"}))
        assert next_answer(ws) == {"type": "pong"}, "the socket survived the batch"

    run()
    return seen


def test_the_widget_socket_answers_every_bad_frame_with_an_error_and_survives(fuzz_server, server_errors):
    from websockets.sync.client import connect

    with connect(fuzz_server.replace("http", "ws") + "/ws/widget/", max_size=2**22) as ws:
        ws.send(json.dumps({"type": "hello", "token": widget_token(sub="fuzz-1"), "after_seq": 0}))
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        seen = fuzz(ws, agent=False)
    print(f"\nwidget fuzz: {json.dumps(seen)}")
    assert seen["frames"] >= BATCH * BATCHES
    assert [r.getMessage() for r in server_errors] == []
    assert Message.objects.count() == 0, "no bad frame stored anything"


def test_the_agent_socket_answers_every_bad_frame_with_an_error_and_survives(fuzz_server, server_errors, alice):
    from websockets.sync.client import connect

    cookie = session_cookie(alice)
    with connect(
        fuzz_server.replace("http", "ws") + "/ws/agent/",
        origin=fuzz_server,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_size=2**22,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        seen = fuzz(ws, agent=True)
    print(f"\nagent fuzz: {json.dumps(seen)}")
    assert seen["frames"] >= BATCH * BATCHES
    assert [r.getMessage() for r in server_errors] == []
    assert Message.objects.count() == 0, "no bad frame stored anything"


def agent_connection(base: str, user):
    from websockets.sync.client import connect

    cookie = session_cookie(user)
    ws = connect(
        base.replace("http", "ws") + "/ws/agent/",
        origin=base,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_size=2**22,
    )
    assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
    return ws


def widget_connection(base: str, sub: str):
    from websockets.sync.client import connect

    ws = connect(base.replace("http", "ws") + "/ws/widget/", max_size=2**22)
    ws.send(json.dumps({"type": "hello", "token": widget_token(sub=sub), "after_seq": 0}))
    assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
    return ws


@pytest.mark.parametrize("socket", ["widget", "agent"])
def test_known_nasty_frames_get_an_error_and_store_nothing(fuzz_server, server_errors, alice, socket):
    ws = widget_connection(fuzz_server, "nasty-1") if socket == "widget" else agent_connection(fuzz_server, alice)
    with ws:
        for raw, expected in KNOWN_NASTIES:
            expected = strict_json_answer(raw, expected)
            ws.send(raw)
            answer = next_answer(ws)
            assert answer["type"] == "error" and answer["code"] in expected, (raw[:80], answer)
        ws.send(json.dumps({"type": "ping"}))
        assert next_answer(ws) == {"type": "pong"}
    assert Message.objects.count() == 0
    assert [r.getMessage() for r in server_errors] == []
