"""Real processes for fault tests, and a chat client that behaves like the widget and the console should.

`ChatClient` keeps what docs/protocol.md asks of a client: it remembers the last contiguous seq it saw per
conversation and resumes after it on every (re)connect, keeps unacknowledged sends in an outbox and resends them
with their original `client_msg_id`, and treats `unavailable`/`rate_limited` errors as "try again".
Everything it saw is kept per conversation (seq -> client_msg_id, kind, body) so a test can compare it with
PostgreSQL, the truth.
"""

import asyncio
import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis
import websockets

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
RETRYABLE = {"unavailable", "rate_limited"}
HEARTBEAT = 2.0  # seconds between pings (the browsers' is 20 s; shortened so that tests heal quickly)
LOST_AFTER = 10.0  # seconds without an ack or an error before a send is presumed lost

# --- processes --------------------------------------------------------------------------------------


class Process:
    """A child process started by a test and stopped by its pid (never by name)."""

    def __init__(self, args: list[str], env: dict, log_name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.args, self.env = args, env
        self.log_path = ARTIFACTS / f"{log_name}-{os.getpid()}-{time.time_ns()}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        log = open(self.log_path, "a")  # noqa: SIM115 - the child writes to it until it ends
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


class RedisServer(Process):
    """A private redis-server on its own port, so restarting it disturbs nobody else."""

    def __init__(self):
        self.port = free_port()
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        super().__init__(args, dict(os.environ), "redis")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        super().start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return self
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")


class AsgiServer(Process):
    """One uvicorn process running the real application."""

    def __init__(self, env: dict, port: int | None = None):
        self.port = port or free_port()
        args = [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1"]
        args += ["--port", str(self.port), "--log-level", "warning"]
        super().__init__(args, env, "uvicorn")

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited at start-up, see {self.log_path}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"uvicorn on {self.port} did not start")


# --- the client ---------------------------------------------------------------------------------------


@dataclass
class View:
    """One conversation as one client saw it."""

    last_seq: int = 0  # the last contiguous seq: resume after this
    seen: dict = field(default_factory=dict)  # seq -> (client_msg_id, kind, body)
    conflicts: list = field(default_factory=list)  # a seq that arrived twice with different contents
    repeats: int = 0

    def add(self, frame: dict) -> None:
        record = (frame.get("client_msg_id"), frame["kind"], frame["body"])
        seq = frame["seq"]
        if seq in self.seen:
            self.repeats += 1
            if self.seen[seq] != record:
                self.conflicts.append((seq, self.seen[seq], record))
            return
        self.seen[seq] = record
        while self.last_seq + 1 in self.seen:
            self.last_seq += 1


class ChatClient:
    def __init__(self, name: str, server: AsgiServer, *, token: str | None = None, cookie: str | None = None):
        self.name, self.server = name, server
        self.token, self.cookie = token, cookie
        self.is_agent = cookie is not None
        self.views: dict[int, View] = {}
        self.conversation: int | None = None  # a customer's own conversation, once the first ack names it
        self.outbox: dict[str, dict] = {}  # client_msg_id -> frame, until acked
        self.last_try: dict[str, float] = {}
        self.retry_at: dict[str, float] = {}  # client_msg_id -> when to resend after a "try again" error
        self.acked: dict[str, tuple[int, int]] = {}  # client_msg_id -> (conversation, seq)
        self.sent: list[str] = []
        self.errors: dict[str, int] = {}
        self.refusals: list[dict] = []  # errors that are not "try again"
        self.connects = 0
        self.last_frame: tuple[float, str] = (0.0, "")
        self.recent: collections.deque = collections.deque(maxlen=12)
        self.ws = None
        self.ready = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self._resender: asyncio.Task | None = None

    # lifecycle

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"client-{self.name}")
        self._resender = asyncio.create_task(self._resend_loop(), name=f"resend-{self.name}")

    async def stop(self) -> None:
        self._stopping = True
        for task in (self._task, self._resender):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.ws = None

    async def drop(self) -> bool:
        """Force a reconnect, as a phone switching networks would: the TCP connection is cut, no close frame."""
        ws = self.ws
        if ws is None or not self.ready.is_set():
            return False
        ws.transport.abort()
        return True

    async def _run(self) -> None:
        backoff = 0.05
        while not self._stopping:
            try:
                async with self._connect() as ws:
                    self.ws = ws
                    self.connects += 1
                    await self._handshake(ws)
                    backoff = 0.05
                    async for raw in ws:
                        await self._on_frame(json.loads(raw))
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                pass
            finally:
                self.ws = None
                self.ready.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 0.5)

    def _connect(self):
        url = f"{self.server.ws}/ws/{'agent' if self.is_agent else 'widget'}/"
        extra = {"origin": self.server.origin, "additional_headers": {"Cookie": f"sessionid={self.cookie}"}}
        return websockets.connect(
            url, open_timeout=3, close_timeout=1, ping_interval=None, max_size=2**22, **(extra if self.is_agent else {})
        )

    async def _handshake(self, ws) -> None:
        if not self.is_agent:
            view = self.views.get(self.conversation) if self.conversation else None
            await ws.send(json.dumps({"type": "hello", "token": self.token, "after_seq": view.last_seq if view else 0}))
        else:
            for conversation, view in list(self.views.items()):
                await ws.send(json.dumps({"type": "resume", "conversation": conversation, "after_seq": view.last_seq}))
        # The outbox goes from the resend task, not from here: this task must keep reading, or a long outbox
        # fills both TCP buffers (we write, the server's answers wait for us to read) and both sides stall.
        for msg_id in list(self.outbox):
            self.retry_at[msg_id] = 0.0

    # frames

    async def _on_frame(self, frame: dict) -> None:
        kind = frame["type"]
        self.last_frame = (time.monotonic(), kind)
        self.recent.append((kind, frame.get("conversation"), frame.get("seq"), frame.get("code")))
        if kind == "welcome":
            if not self.is_agent and frame["conversation"]:
                self.conversation = frame["conversation"]
                self.views.setdefault(frame["conversation"], View())
            self.ready.set()
        elif kind == "message":
            self.views.setdefault(frame["conversation"], View()).add(frame)
        elif kind == "ack":
            self.outbox.pop(frame["client_msg_id"], None)
            self.acked[frame["client_msg_id"]] = (frame["conversation"], frame["seq"])
            if not self.is_agent and self.conversation is None:
                self.conversation = frame["conversation"]
                self.views.setdefault(frame["conversation"], View())
        elif kind == "error":
            code = frame["code"]
            self.errors[code] = self.errors.get(code, 0) + 1
            if code not in RETRYABLE:
                self.refusals.append(frame)
            elif frame.get("client_msg_id") in self.outbox:
                self.retry_at[frame["client_msg_id"]] = time.monotonic() + 0.5

    async def _send(self, frame: dict) -> bool:
        ws = self.ws
        if ws is None:
            return False
        try:
            await ws.send(json.dumps(frame))
        except websockets.exceptions.WebSocketException:
            return False
        if frame.get("type") == "send":
            self.last_try[frame["client_msg_id"]] = time.monotonic()
        return True

    async def _resend_loop(self) -> None:
        """Unacknowledged sends go again, same client_msg_id: half a second after a "try again" error, or after
        LOST_AFTER seconds without any answer. (Every reconnect also resends the whole outbox.) Resending
        everything on a short timer would flood a busy server with retries faster than it can answer them."""
        beat = time.monotonic()
        while True:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            if now - beat >= HEARTBEAT and self.ready.is_set():
                beat = now
                await self._send({"type": "ping"})  # as the widget and console do (static/js/socket.js)
            for msg_id, frame in list(self.outbox.items()):
                due = self.retry_at.get(msg_id)
                if (due is not None and now >= due) or now - self.last_try.get(msg_id, now) > LOST_AFTER:
                    self.retry_at.pop(msg_id, None)
                    await self._send(frame)

    # actions

    async def post(self, body: str, *, conversation: int | None = None, kind: str = "text") -> str:
        msg_id = str(uuid.uuid4())
        frame = {"type": "send", "client_msg_id": msg_id, "body": body, "kind": kind}
        conversation = conversation or self.conversation
        if conversation is not None:
            frame["conversation"] = conversation
        self.outbox[msg_id] = frame
        self.sent.append(msg_id)
        await self._send(frame)
        return msg_id

    async def watch(self, conversation: int) -> None:
        self.views.setdefault(conversation, View())
        await self._send({"type": "resume", "conversation": conversation, "after_seq": 0})

    async def raw(self, frame: dict) -> bool:
        return await self._send(frame)


async def wait_for(predicate, timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(every)
