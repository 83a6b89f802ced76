"""Customer→agent delivery: the product against a bare relay and a naive durable relay, in the same run."""

import json
import os
import subprocess
import time
from contextlib import ExitStack

from bench import fixtures
from bench.env import OUT, PYTHON, ROOT
from bench.procs import cpu_seconds, rss_bytes, server
from bench.stats import summary

INTERVAL_S = 2.0
OMIT = "customers omit conversation"


def spec_for(kind: str, ports: list[int], agents, chats, *, cookies: list[str], omit: bool = False) -> dict:
    """The loadgen spec: who connects where (round-robin over `ports`), with which credentials. `omit`: customers
    leave "conversation" out of their frames, as the wire contract allows."""
    product = kind not in ("bare", "durable")
    spec = {"mode": "product" if product else "relay", "port": ports[0], "interval": INTERVAL_S}
    spec["omit_conversation"] = omit
    spec["agents"] = [
        {"id": index, "cookie": cookies[index] if product else None, "port": ports[index % len(ports)]}
        for index in range(len(agents))
    ]
    spec["customers"] = [
        {
            "conversation": chat.conversation,
            "agent": chat.agent_index,
            "token": fixtures.widget_token(chat.external_id) if product else None,
            # A customer lands on any process, not necessarily its agent's: the channel layer carries the rest.
            "port": ports[(index + 1) % len(ports)],
        }
        for index, chat in enumerate(chats)
    ]
    return spec


def split(spec: dict, processes: int) -> list[dict]:
    """Shard by agent, so each process holds whole agents and the customers they serve."""
    parts = []
    for p in range(processes):
        agent_ids = {a["id"] for a in spec["agents"] if a["id"] % processes == p}
        parts.append(
            {
                **spec,
                "agents": [a for a in spec["agents"] if a["id"] in agent_ids],
                "customers": [c for c in spec["customers"] if c["agent"] in agent_ids],
            }
        )
    return [part for part in parts if part["agents"]]


def profile(pid: int, duration: float, label: str) -> subprocess.Popen | None:
    """With BENCH_PYSPY=<py-spy binary>, sample the server during the window (collapsed stacks in bench/out)."""
    py_spy = os.environ.get("BENCH_PYSPY")
    if not py_spy:
        return None
    out = OUT / f"profile-{label}.txt"
    command = [py_spy, "record", "-p", str(pid), "-d", str(int(duration)), "-f", "raw", "-o", str(out), "-t"]
    if os.environ.get("BENCH_PYSPY_GIL"):
        command.append("--gil")  # only samples holding the GIL: where the CPU goes, not where threads wait
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def drive(
    spec: dict, env: dict, server_pids: list[int], *, processes: int, warmup: float, duration: float, label: str
) -> dict:
    """Start the loadgen processes, wait until all are connected, let them run, gather their results."""
    procs, outs = [], []
    for index, part in enumerate(split(spec, processes)):
        spec_file = OUT / f"spec-{label}-{index}.json"
        out_file = OUT / f"result-{label}-{index}.json"
        spec_file.write_text(json.dumps({**part, "warmup": warmup, "duration": duration}))
        procs.append(
            subprocess.Popen(
                [PYTHON, "-m", "bench.loadgen", str(spec_file), str(out_file)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
        outs.append(out_file)
    for proc in procs:
        if proc.stdout.readline().strip() != "READY":
            raise RuntimeError(f"a load generator for {label} failed to connect (see its stderr)")
    rss_connected = sum(rss_bytes(pid) for pid in server_pids)
    t0 = time.time() + 0.5
    for proc in procs:
        proc.stdin.write(f"GO {t0}\n")
        proc.stdin.flush()
    time.sleep(max(0.0, t0 + warmup - time.time()))
    cpu_before = sum(cpu_seconds(pid) for pid in server_pids)
    profiler = profile(server_pids[0], duration, label)
    time.sleep(duration)
    if profiler is not None:
        profiler.wait(30)
    server_cpu = (sum(cpu_seconds(pid) for pid in server_pids) - cpu_before) / duration
    for proc in procs:
        if proc.wait(60 + warmup + duration) != 0:
            raise RuntimeError(f"a load generator for {label} exited with {proc.returncode}")
    parts = [json.loads(out.read_text()) for out in outs]
    deliver = [x for part in parts for x in part["deliver_ms"]]
    ack = [x for part in parts for x in part["ack_ms"]]
    sent = sum(part["sent"] for part in parts)
    return {
        "label": label,
        "conversations": len(spec["customers"]),
        "rate_per_s": len(spec["customers"]) / INTERVAL_S,
        # A message not delivered (or acked) by the end of the grace period counts as slower than every other.
        "deliver": summary(deliver, missing=max(0, sent - len(deliver))),
        "ack": summary(ack, missing=max(0, sent - len(ack))),
        "sent": sent,
        # Throughput: messages that reached an agent during the window, whenever they were sent.
        "delivered_per_s": sum(part["received_in_window"] for part in parts) / duration,
        "delivered": len(deliver),
        "unacked": sum(part["unacked"] for part in parts),
        "errors": sum(part["error_count"] for part in parts),
        "error_samples": [e for part in parts for e in part["errors"]][:5],
        "server_cpu": server_cpu,
        "server_rss_mib": rss_connected / 2**20,
        "loadgen_cpu_s": sum(part["cpu_s"] for part in parts),
        "connect_s": max(part["connect_s"] for part in parts),
    }


def measure(
    kind: str,
    env: dict,
    agents,
    chats,
    cookies,
    *,
    warmup: float,
    duration: float,
    processes: int = 1,
    omit: bool = False,
) -> dict:
    """One system (bare, durable, or an ASGI server running the product) at len(chats) conversations; `omit`: the
    customers' frames leave out "conversation" (the row "customers omit conversation")."""
    label = f"{kind}{'-omit' if omit else ''}-{len(chats)}"
    with server(kind, env) as (port, pid):
        spec = spec_for(kind, [port], agents, chats, cookies=cookies, omit=omit)
        result = drive(spec, env, [pid], processes=processes, warmup=warmup, duration=duration, label=label)
    result["system"] = kind
    if omit:
        result["variant"] = OMIT
    return result


def measure_scaled(
    kind: str, servers: int, env: dict, agents, chats, cookies, *, warmup: float, duration: float
) -> dict:
    """The product on `servers` processes sharing one Redis and one PostgreSQL; sockets spread over them."""
    with ExitStack() as stack:
        started = [stack.enter_context(server(kind, env)) for _ in range(servers)]
        spec = spec_for(kind, [port for port, _ in started], agents, chats, cookies=cookies)
        result = drive(
            spec,
            env,
            [pid for _, pid in started],
            processes=1 if len(chats) <= 1000 else 2,  # one load generator cannot drive thousands of sockets
            warmup=warmup,
            duration=duration,
            label=f"{kind}-x{servers}-{len(chats)}",
        )
    result.update(system=kind, servers=servers)
    return result
