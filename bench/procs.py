"""Start and stop server processes on loopback, and read their CPU time and memory from /proc."""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

from bench.env import OUT, PYTHON, ROOT

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited at start-up with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


def uvicorn_command(app: str, port: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        "--no-access-log",
    ]


def server_command(kind: str, port: int) -> list[str]:
    """How each ASGI server (or relay floor) is started: one process, no reload, quiet logs."""
    app = "helpdesk.asgi:application"
    commands = {
        "uvicorn": uvicorn_command(app, port),
        "daphne": [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "-v", "0", app],
        # asginl: ASGI without the lifespan protocol, which the Channels router does not speak.
        "granian": [
            str(BIN / "granian"),
            "--interface",
            "asginl",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            app,
        ],
        "bare": [PYTHON, "-m", "bench.relays", "bare", "--port", str(port)],
        "floor": uvicorn_command("bench.surge_floor:application", port),  # Channels with nothing of ours
        "durable": [PYTHON, "-m", "bench.relays", "durable", "--port", str(port)],
    }
    return commands[kind]


@contextmanager
def server(kind: str, env: dict):
    """Run one server process; yield (port, pid); stop it by its pid."""
    port = free_port()
    log = open(OUT / f"server-{kind}.log", "a")  # noqa: SIM115
    proc = subprocess.Popen(server_command(kind, port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_port(port, proc)
        yield port, proc.pid
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def tree(pid: int) -> list[int]:
    """The process and its descendants (granian serves from a worker child)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its descendants."""
    total = 0
    for member in tree(pid):
        fields = _stat(member)
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    total = 0
    for member in tree(pid):
        with open(f"/proc/{member}/statm") as statm:
            total += int(statm.read().split()[1]) * PAGE
    return total


def open_fds(pid: int) -> int:
    return sum(len(os.listdir(f"/proc/{member}/fd")) for member in tree(pid))
