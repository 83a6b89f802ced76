"""The surge (docs/BENCHMARKS.md): withdrawals are halted and `customers` new customers each open the chat, say
hello and send a first message within `window` seconds, against one server process, while a few agents are online.

Measured: every first message acked, and how fast (send → ack); when each new chat reached every online agent's
queue (its ack → the first queue frame at that agent that certainly counts it: read after the ack — the frame's
`as_of` is taken before the server reads the queue — or counting every chat of the run; an upper bound); the
largest queue frame. The server runs with the product's defaults (auto-offer on). Standalone:
`python -m bench.surge [customers] [window]` (after scripts/run-bench's set-up, or with BENCH_* set).
"""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.env import OUT, PYTHON, ROOT, bench_env, django_setup
from bench.procs import cpu_seconds, rss_bytes, server
from bench.stats import summary

AGENTS = 5
FRAME_LIMIT = 64 * 1024
FIRST_WORDS = "Withdrawals are halted and my transfer is stuck. Is my money safe?"


def agents() -> list:
    """Agents who hold nothing (the delivery benchmark's agents are full): auto-offer has someone to invite."""
    from accounts.models import Role, User
    from accounts.services import staff_upsert

    made = []
    for k in range(AGENTS):
        email = f"bench-surge-agent-{k}@bench.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user, _ = staff_upsert(email=email, password=None, role=Role.AGENT, name=f"Surge agent {k}")
        made.append(user)
    return made


def clear_queue() -> int:
    """End the waiting chats an earlier surge left, so each run starts with an empty queue (the benchmark's own
    database; these are bench customers). Returns how many still wait (other benchmarks' chats)."""
    from chat.models import Conversation

    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING)
    waiting.filter(customer__external_id__startswith="bench-surge-").update(
        status=Conversation.Status.ENDED, ended_at=datetime.now(UTC), ended_by="bench"
    )
    return waiting.count()


def spec_parts(port: int, count: int, window: float, cookies: list[str], processes: int, already: int) -> list[dict]:
    from bench import fixtures

    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    customers = []
    for n in range(count):
        sub = f"bench-surge-{run}-{n}"
        customers.append({"sub": sub, "token": fixtures.widget_token(sub), "body": f"{FIRST_WORDS} ({n})"})
    base = {"port": port, "window": window, "total": count, "stride": processes, "expect_total": already + count}
    parts = [{**base, "offset": p, "customers": customers[p::processes], "agents": []} for p in range(processes)]
    parts[0]["agents"] = [{"cookie": cookie} for cookie in cookies]  # the agents' sockets live in the first process
    return parts


def drive(parts: list[dict], env: dict, pid: int, window: float) -> tuple[list[dict], float]:
    from bench.chat_delivery import profile

    procs, outs = [], []
    for index, part in enumerate(parts):
        spec_file, out_file = OUT / f"spec-surge-{index}.json", OUT / f"result-surge-{index}.json"
        spec_file.write_text(json.dumps(part))
        command = [PYTHON, "-m", "bench.surge_clients", str(spec_file), str(out_file)]
        procs.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )
        outs.append(out_file)
    for proc in procs:
        if proc.stdout.readline().strip() != "READY":
            raise RuntimeError("a surge client process failed to start (see its stderr)")
    cpu_before, t0 = cpu_seconds(pid), time.time() + 0.5
    for proc in procs:
        proc.stdin.write(f"GO {t0}\n")
        proc.stdin.flush()
    profiler = profile(pid, window + 2, "surge")  # with BENCH_PYSPY set (docs/BENCHMARKS.md)
    for proc in procs:
        if proc.wait(window + 120) != 0:
            raise RuntimeError(f"a surge client process exited with {proc.returncode}")
    cpu_used = cpu_seconds(pid) - cpu_before
    server_cpu = cpu_used / max(1e-9, time.time() - t0)
    if profiler is not None:
        profiler.wait(30)
    return [json.loads(out.read_text()) for out in outs], server_cpu, cpu_used


def counts(frame: dict, ack: float, everyone: int) -> bool:
    """Whether a queue frame certainly counts a chat acked at `ack`: the server read the queue after the ack, or the
    frame counts every chat of the run (`everyone`: nothing leaves the queue during it). An upper bound."""
    return (frame["as_of"] is not None and frame["as_of"] >= ack) or (frame["total"] or 0) >= everyone


def analyse(parts: list[dict], count: int, window: float, everyone: int | None = None) -> dict:
    """The row: `everyone` is how many wait once every customer's chat is open (those before the run included)."""
    everyone = everyone if everyone is not None else count
    records = [r for part in parts for r in part["customers"].values()]
    frames = [frames for part in parts for frames in part["agents"]]
    acked = [r for r in records if "ack" in r]
    queue_ms, missing = [], 0
    for record in acked:
        for agent_frames in frames:
            seen = next((f["at"] for f in agent_frames if counts(f, record["ack"], everyone)), None)
            if seen is None:
                missing += 1
            else:  # a frame may reach the agent before the ack reaches the customer: no time in the queue is 0
                queue_ms.append(max(0.0, seen - record["ack"]) * 1000)
    all_frames = [f for agent_frames in frames for f in agent_frames]
    return {
        "customers": count,
        "window_s": window,
        "agents": len(frames),
        "acked": len(acked),
        "errors": len(records) - len(acked) + (count - len(records)),
        "error_samples": [r.get("error") or r.get("errors") for r in records if "ack" not in r][:5],
        "welcome": summary([(r["welcome"] - r["start"]) * 1000 for r in records if "welcome" in r]),
        "ack": summary([(r["ack"] - r["sent"]) * 1000 for r in acked], missing=count - len(acked)),
        "queue": summary(queue_ms, missing=missing + (count - len(acked)) * len(frames)),
        "queue_frames": len(all_frames),
        "frame_max_bytes": max((f["bytes"] for f in all_frames), default=0),
        "last_total": max((f["total"] or 0 for f in all_frames), default=0),
        "span_s": max((r["ack"] for r in acked), default=0) - min((r["start"] for r in records), default=0),
        "client_cpu_s": sum(part["cpu_s"] for part in parts),
    }


def measure(env: dict, count: int = 2000, window: float = 10.0) -> dict:
    """One surge of `count` new customers in `window` seconds against one uvicorn process."""
    from bench import fixtures

    held = agents()
    cookies = [fixtures.session_cookie(a) for a in held]
    already = clear_queue()
    processes = 1 if count <= 1000 else 2  # one client process cannot open thousands of sockets in seconds
    with server("uvicorn", {**env, "HELPDESK_AUTO_OFFER": "true"}) as (port, pid):
        parts = spec_parts(port, count, window, cookies, processes, already)
        results, server_cpu, cpu_used = drive(parts, env, pid, window)
        rss = rss_bytes(pid)
    row = analyse(results, count, window, everyone=already + count)
    row.update(server_cpu=server_cpu, server_rss_mib=rss / 2**20, waiting_before=already)
    row["server_cpu_ms_per_customer"] = cpu_used * 1000 / count  # hello, first message, offer, queue refreshes
    clear_queue()
    return row


def targets_met(row: dict) -> bool:
    """The targets of the row in docs/BENCHMARKS.md (issue: the surge)."""
    ack_p99, queue_max = row["ack"]["p99"], row["queue"]["max"]
    return (
        row["acked"] == row["customers"]
        and ack_p99 is not None
        and ack_p99 <= 1000
        and queue_max is not None
        and queue_max <= 2000
        and row["frame_max_bytes"] <= FRAME_LIMIT
    )


if __name__ == "__main__":
    django_setup()
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    result = measure(bench_env(), size, seconds)
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (OUT / f"surge-{size}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print("targets met" if targets_met(result) else "targets NOT met")
