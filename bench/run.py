"""Run every benchmark, keep the results in bench/out/results.json, and rewrite docs/BENCHMARKS.md.

Each step is bounded; a step that fails is recorded as failed (with its error) and the others still run.
Knobs (environment): BENCH_SIZES (default 100,1000), BENCH_DURATION (s, default 12), BENCH_WARMUP (default 3),
BENCH_ASGI_N (default 1000), BENCH_SCALE_N (default 2000,4000), BENCH_IDLE (default 10000),
BENCH_SURGE_N (default 2000) and BENCH_SURGE_WINDOW (s, default 10), BENCH_ONLY (comma-separated step names).
"""

import json
import os
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime

from bench.env import OUT, PYTHON, ROOT, bench_env, django_setup

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1000").split(",")]
DURATION = float(os.environ.get("BENCH_DURATION", "12"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
ASGI_N = int(os.environ.get("BENCH_ASGI_N", "1000"))
SCALE_N = [int(n) for n in os.environ.get("BENCH_SCALE_N", "2000,4000").split(",")]
ASGI_DURATION = float(os.environ.get("BENCH_ASGI_DURATION", "8"))  # 8 runs: shorter, to fit in 15 minutes
IDLE = int(os.environ.get("BENCH_IDLE", "10000"))
SURGE_N = int(os.environ.get("BENCH_SURGE_N", "2000"))
SURGE_WINDOW = float(os.environ.get("BENCH_SURGE_WINDOW", "10"))


def delivery() -> list[dict]:
    from bench import chat_delivery, fixtures

    agents, chats = fixtures.chats(max(SIZES))
    cookies = [fixtures.session_cookie(a) for a in agents]
    rows = []
    for size in SIZES:
        # The product twice: with "conversation" in every customer frame, and without it (the wire contract allows
        # both; the second is the row "customers omit conversation").
        for kind, omit in (("bare", False), ("durable", False), ("uvicorn", False), ("uvicorn", True)):
            held = agents[: (size + fixtures.CHATS_PER_AGENT - 1) // fixtures.CHATS_PER_AGENT]
            processes = 1 if size <= 1000 else 2
            rows.append(
                chat_delivery.measure(
                    kind,
                    bench_env(),
                    held,
                    chats[:size],
                    cookies,
                    warmup=WARMUP,
                    duration=DURATION,
                    processes=processes,
                    omit=omit,
                )
            )
            log(f"delivery {kind}{' (omit)' if omit else ''} {size}: {rows[-1]['deliver']}")
    return rows


def asgi_servers() -> list[dict]:
    from bench import chat_delivery, fixtures

    agents, chats = fixtures.chats(ASGI_N)
    cookies = [fixtures.session_cookie(a) for a in agents]
    rows = []
    # Two interleaved rounds: on a shared machine the load drifts during a run, and it should not pick the winner.
    for round_number in (1, 2):
        # The durable floor once, first: the ratios of both rounds are to it.
        for kind in (
            ("durable", "uvicorn", "daphne", "granian") if round_number == 1 else ("uvicorn", "daphne", "granian")
        ):
            row = chat_delivery.measure(
                kind, bench_env(), agents, chats, cookies, warmup=WARMUP, duration=ASGI_DURATION
            )
            row["round"] = round_number
            rows.append(row)
            log(f"asgi {kind} round {round_number}: {row['deliver']}")
    return rows


def scaling() -> list[dict]:
    """The same offered load on one and on two ASGI processes behind the same Redis and PostgreSQL, at a load one
    process carries and at one it cannot."""
    from bench import chat_delivery, fixtures

    agents, chats = fixtures.chats(max(SCALE_N))
    cookies = [fixtures.session_cookie(a) for a in agents]
    rows = []
    for size in SCALE_N:
        held = agents[: (size + fixtures.CHATS_PER_AGENT - 1) // fixtures.CHATS_PER_AGENT]
        for servers in (1, 2):
            row = chat_delivery.measure_scaled(
                "uvicorn", servers, bench_env(), held, chats[:size], cookies, warmup=WARMUP, duration=ASGI_DURATION
            )
            row["loadgen_cpu"] = row["loadgen_cpu_s"] / (ASGI_DURATION + WARMUP)
            rows.append(row)
            log(f"scaling {size} x{servers}: {row['delivered_per_s']:.0f} msg/s delivered, {row['deliver']}")
    return rows


def idle() -> dict:
    from bench import idle as idle_bench

    return idle_bench.measure(bench_env(), IDLE)


def resume() -> dict:
    from bench import resume as resume_bench

    return resume_bench.measure(bench_env())


def inbox() -> dict:
    from bench import inbox as inbox_bench

    return inbox_bench.measure()


def surge() -> dict:
    from bench import surge as surge_bench
    from bench import surge_floor

    floor = surge_floor.measure(bench_env(), SURGE_N, SURGE_WINDOW)  # the stack alone, the same clients
    return surge_bench.measure(bench_env(), SURGE_N, SURGE_WINDOW) | {"floor": floor}


def search() -> dict:
    out = OUT / "search.json"
    subprocess.run([PYTHON, "-m", "bench.search", str(out)], cwd=ROOT, env=bench_env(), check=True, timeout=600)
    return json.loads(out.read_text())


def txid() -> dict:
    from bench import txid as txid_bench

    return txid_bench.measure()


def workers() -> dict:
    from bench import workers as workers_bench

    return workers_bench.measure()


def pnl() -> dict:
    """The P&L explainer's own benchmark (bench/pnl_bench.py, written by its engineer), if present."""
    script = ROOT / "bench" / "pnl_bench.py"
    if not script.exists():
        return {"skipped": "bench/pnl_bench.py does not exist"}
    done = subprocess.run([PYTHON, str(script)], cwd=ROOT, env=bench_env(), capture_output=True, text=True, timeout=300)
    return {"returncode": done.returncode, "output": (done.stdout + done.stderr)[-4000:]}


STEPS = {
    "delivery": delivery,
    "asgi": asgi_servers,
    "scaling": scaling,
    "idle": idle,
    "resume": resume,
    "inbox": inbox,
    "surge": surge,
    "search": search,
    "txid": txid,
    "workers": workers,
    "pnl": pnl,
}


def log(text: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def main() -> None:
    django_setup()
    from bench import machine, report

    only = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
    previous = OUT / "results.json"
    results = json.loads(previous.read_text()) if only and previous.exists() else {}
    results.update(machine=machine.describe(), started=datetime.now(UTC).isoformat(timespec="seconds"))
    results.setdefault("load", {})
    started = time.monotonic()
    for name, step in STEPS.items():
        if only and name not in only:
            continue
        log(f"{name}: start (load average {os.getloadavg()[0]:.1f})")
        step_started = time.monotonic()
        results["load"][name] = os.getloadavg()[0]
        try:
            results[name] = step()
        except Exception as exc:
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        results.setdefault("seconds", {})[name] = time.monotonic() - step_started
        log(f"{name}: done in {time.monotonic() - step_started:.0f} s")
    results["total_s"] = time.monotonic() - started
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    previous.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    report.write(results)
    log(f"all done in {results['total_s']:.0f} s; docs/BENCHMARKS.md rewritten")


if __name__ == "__main__":
    sys.exit(main())
