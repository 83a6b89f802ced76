"""Real servers for tests: an ASGI server (uvicorn) in a thread of the test process, so it shares the test
database; the same in a process of its own, with a core of its own, where a test measures what the server keeps up
with; and a real Celery worker process on the Redis broker."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def asgi_server_thread():
    import uvicorn

    from helpdesk.asgi import application

    port = free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test ASGI server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def asgi_server_process(**env):
    """The application in its own uvicorn process on the test database (`env` added to the test's environment):
    yields its origin, "http://127.0.0.1:PORT". Settings changed in the test process do not reach it: pass them as
    environment variables."""
    from tests.reliability.harness import AsgiServer

    server = AsgiServer(child_env_for_test_db() | env).start()
    try:
        if not wait_until(lambda: listening(server.port) or server.proc.poll() is not None, 60):
            raise RuntimeError(f"uvicorn did not start in 60 s, see {server.log_path}")
        if server.proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited at start-up, see {server.log_path}")
        yield server.origin
    finally:
        server.stop()


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def child_env_for_test_db() -> dict:
    """Environment for a child process that must use the test database pytest-django created."""
    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env["HELPDESK_SECRET_KEY"] = settings.SECRET_KEY
    env["HELPDESK_WIDGET_SECRET"] = settings.WIDGET_SECRET
    return env


@contextmanager
def celery_worker(queue: str | None = None, extra_env: dict | None = None):
    """Start `celery worker` as a real process; yield the Popen; stop it by its pid."""
    from helpdesk.celery import app

    env = child_env_for_test_db()
    env.update(extra_env or {})
    empty_broker(app)
    # Without -Q the worker takes its own settings' queue: the one this deployment's tasks are sent to.
    queues = ["-Q", queue] if queue else []
    log = open(ROOT / "test-artifacts" / f"worker-{os.getpid()}-{time.time_ns()}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "helpdesk",
            "worker",
            "--pool",
            "solo",
            *queues,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_worker(app, proc)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log.close()


def empty_broker(app) -> None:
    """Start a test's worker on an empty broker. Earlier tests of this process queued tasks for no worker (a
    reply-waiting check on a two-minute countdown, a webhook delivery to a receiver long closed), and a worker they
    stopped left unacknowledged ones: a new worker would run those first, on rows of the same ids, or sit in their
    timeouts while the test waits. Only this deployment's keys (HELPDESK_INSTANCE is per test process)."""
    import redis
    from django.conf import settings

    app.control.purge()
    store = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
        store.delete(*(prefix + key for key in ("unacked", "unacked_index", "unacked_mutex")))
    finally:
        store.close()


def _wait_for_worker(app, proc, timeout: float = 30) -> None:
    from helpdesk.celery import ping

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the Celery worker exited at start-up (see test-artifacts/worker-*.log)")
        try:
            if ping.apply_async(expires=2).get(timeout=2) == "pong":
                return
        except Exception:
            continue
    raise RuntimeError("the Celery worker did not answer a ping in time")


def wait_until(predicate, timeout: float, every: float = 0.1) -> bool:
    """Poll `predicate` until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()
