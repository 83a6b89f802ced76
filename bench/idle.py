"""Idle sockets: how many authenticated customer sockets one ASGI process holds, memory each, idle CPU."""

import json
import subprocess
import time

from bench import fixtures
from bench.env import OUT, PYTHON, ROOT
from bench.procs import cpu_seconds, open_fds, rss_bytes, server
from tickets.models import Customer

WARM = 50  # sockets opened before the baseline, so lazily imported code is not counted per connection
IDLE_WINDOW_S = 10.0


def customers(count: int) -> list[str]:
    ids = [f"bench-idle-{i}" for i in range(count)]
    known = set(Customer.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
    Customer.objects.bulk_create(
        [Customer(external_id=x, name=f"Customer {x}", locale="en") for x in ids if x not in known]
    )
    return ids


def hold(base: str, tokens: list[str], label: str) -> tuple[subprocess.Popen, int, int, list]:
    path = OUT / f"idle-tokens-{label}.json"
    path.write_text(json.dumps(tokens))
    proc = subprocess.Popen(
        [PYTHON, "-m", "bench.idle_clients", base, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    _, opened, failed, samples = proc.stdout.readline().split(" ", 3)
    return proc, int(opened), int(failed), json.loads(samples or "[]")


def release(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.stdin.write("stop\n")
        proc.stdin.flush()
    for proc in procs:
        proc.wait(60)


def measure(env: dict, count: int, *, kind: str = "uvicorn", processes: int = 2) -> dict:
    ids = customers(count + WARM)
    tokens = [fixtures.widget_token(x) for x in ids]
    with server(kind, env) as (port, pid):
        base = f"ws://127.0.0.1:{port}"
        warm, _, _, _ = hold(base, tokens[:WARM], "warm")
        time.sleep(1)
        rss_before = rss_bytes(pid)
        started = time.monotonic()
        shares = [tokens[WARM + p :: processes][:count] for p in range(processes)]
        held = [hold(base, share, f"share{p}") for p, share in enumerate(shares)]
        open_s = time.monotonic() - started
        opened = sum(h[1] for h in held)
        time.sleep(2)  # let the last hellos settle
        rss_after = rss_bytes(pid)
        cpu_before = cpu_seconds(pid)
        time.sleep(IDLE_WINDOW_S)
        idle_cpu = (cpu_seconds(pid) - cpu_before) / IDLE_WINDOW_S
        fds = open_fds(pid)
        release([warm, *[h[0] for h in held]])
    return {
        "server": kind,
        "target": count,
        "opened": opened,
        "failed": sum(h[2] for h in held),
        "failure_samples": [s for h in held for s in h[3]][:3],
        "open_s": open_s,
        "rss_before_mib": rss_before / 2**20,
        "rss_after_mib": rss_after / 2**20,
        "kib_per_socket": (rss_after - rss_before) / 1024 / max(1, opened),
        "idle_cpu": idle_cpu,
        "server_fds": fds,
    }
