"""TXID lookups per second with one Celery worker process, then two, on the same Redis broker and queue.

Seven local anvil chains, each behind bench/delay_proxy.py (every request waits DELAY_S, like a distant public
node), so a lookup waits on the network as a real one does. Lookups are requested through the real service
(recovery.services.lookup_start: row, then the Celery task on commit); the workers are real `celery -A helpdesk
worker` processes with the pool production runs (docker-compose.yml: threads, concurrency 8), started on loopback
and stopped by pid. Completion is read from the database. A third run gives one process as many threads as the
two together, to tell what the second process adds from what more threads add.
"""

import statistics
import subprocess
import time

from django.db.models import Max, Min

from bench.env import OUT, ROOT, bench_env
from bench.procs import cpu_seconds, stop
from bench.stats import summary
from bench.txid import ANVIL, CHAIN_IDS, DELAY_S, DELAYED, behind_delay, send_native, start_chains
from recovery.chains import Chain

LOOKUPS = 48  # a multiple of 8 and 16: every run ends on a full wave
POOL = "threads"
CONCURRENCY = 8  # what docker-compose.yml runs in production
# (worker processes, threads per process)
LAYOUTS = ((1, CONCURRENCY), (2, CONCURRENCY), (1, 2 * CONCURRENCY))
TIMEOUT_S = 60


def chains_toml(chains: list[Chain]) -> str:
    """A registry file for the workers (HELPDESK_CHAINS_FILE): the local chains, no retries."""
    lines = ["[lookup]\ntimeout_seconds = 10\nretries = 0\n"]
    for c in chains:
        lines.append(
            f'[[chains]]\nkey = "{c.key}"\nname = "{c.name}"\nchain_id = {c.chain_id}\n'
            f'rpc_urls = ["{c.rpc_urls[0]}"]\n'
            f'explorer = {{ tx = "https://{c.key}.explorer.test/tx/{{hash}}", '
            f'address = "https://{c.key}.explorer.test/address/{{address}}" }}\n'
            'native_symbol = "ETH"\npoa = false\nconfirmations = 1\ndeposits = true\ntokens = []\n'
        )
    return "\n".join(lines)


def worker_command(name: str, concurrency: int, queue: str) -> list[str]:
    # Production's command (docker-compose.yml) with the bench's queue, a node name each, and quieter logs.
    return [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "helpdesk",
        "worker",
        "--pool",
        POOL,
        "--concurrency",
        str(concurrency),
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "--loglevel",
        "WARNING",
    ]


def wait_ready(app, names: list[str], procs: list, timeout: float = 45) -> None:
    """Every worker answers a remote-control ping: all of them consume the queue before any lookup is sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a Celery worker exited at start-up (see bench/out/worker-*.log)")
        answered = {name for reply in app.control.ping(timeout=1.0) for name in reply}
        if all(any(a.startswith(f"{n}@") for a in answered) for n in names):
            return
    raise RuntimeError("the Celery workers did not all answer a ping in time")


def purge(app, queue: str) -> None:
    """Drop what an interrupted earlier run may have left in the bench's queue."""
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def request_lookups(tx_hashes: list[str]) -> list[int]:
    from recovery import services

    return [services.lookup_start(txid=tx).pk for tx in tx_hashes]


def wait_done(ids: list[int]) -> None:
    from recovery.models import Lookup

    deadline = time.monotonic() + TIMEOUT_S
    while Lookup.objects.filter(pk__in=ids, status=Lookup.Status.DONE).count() < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"lookups not done within {TIMEOUT_S} s")
        time.sleep(0.05)


def timings(ids: list[int]) -> dict:
    """From each request (created_at, the commit) to its verdict (finished_at), read back from the rows."""
    from recovery.models import ChainFinding, Lookup

    rows = Lookup.objects.filter(pk__in=ids)
    walls = [(f - c).total_seconds() * 1000 for c, f in rows.values_list("created_at", "finished_at")]
    span = rows.aggregate(first=Min("created_at"), last=Max("finished_at"))
    return {
        "walls": walls,
        "span_s": (span["last"] - span["first"]).total_seconds(),
        "attempts": sum(rows.values_list("attempts", flat=True)),
        "unknown_answers": ChainFinding.objects.filter(lookup_id__in=ids, status="unknown").count(),
    }


def run_layout(app, processes: int, threads: int, tx_hashes: list[str], env: dict, queue: str) -> dict:
    names = [f"bench-w{i + 1}" for i in range(processes)]
    logs = [open(OUT / f"worker-{name}.log", "a") for name in names]  # noqa: SIM115
    procs = [
        subprocess.Popen(worker_command(n, threads, queue), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for n, log in zip(names, logs, strict=True)
    ]
    try:
        wait_ready(app, names, procs)
        alone = request_lookups(tx_hashes[:1])  # warms each worker's imports; also the unloaded latency
        wait_done(alone)
        cpu_before = sum(cpu_seconds(p.pid) for p in procs)
        ids = request_lookups(tx_hashes[1:])
        wait_done(ids)
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
    finally:
        for proc in procs:
            stop(proc)
        for log in logs:
            log.close()
    measured = timings(ids)
    return {
        "processes": processes,
        "threads": threads,
        "slots": processes * threads,
        "lookups": len(ids),
        "alone_ms": timings(alone)["walls"][0],
        "span_s": measured["span_s"],
        "per_s": len(ids) / measured["span_s"],
        "wall": summary(measured["walls"]),
        "cpu_s": cpu,
        "cpu_ms_per_lookup": cpu / len(ids) * 1000,
        "attempts": measured["attempts"],
        "unknown_answers": measured["unknown_answers"],
    }


def measure() -> dict:
    if not ANVIL.exists():
        return {"skipped": "anvil is not installed (npm ci)"}
    from django.conf import settings

    from helpdesk.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    procs = []
    log = open(OUT / "anvil.log", "a")  # noqa: SIM115
    try:
        chains = start_chains(procs, log)
        holder = next(c for c in chains if c.key == DELAYED)
        # One transaction per lookup, all on the chain the lookup finds it on; every other chain says "not found".
        tx_hashes = [send_native(holder.rpc_urls[0]) for _ in range(len(LAYOUTS) * (LOOKUPS + 1))]
        chains = [behind_delay(procs, c, DELAY_S) for c in chains]
        registry = OUT / "chains-workers.toml"
        registry.write_text(chains_toml(chains))
        env = bench_env() | {"HELPDESK_CHAINS_FILE": str(registry)}
        purge(app, queue)
        rows = []
        for n, (processes, threads) in enumerate(LAYOUTS):
            batch = tx_hashes[n * (LOOKUPS + 1) : (n + 1) * (LOOKUPS + 1)]
            rows.append(run_layout(app, processes, threads, batch, env, queue))
    finally:
        for proc in procs:
            stop(proc)
        log.close()
    return {
        "chains": len(CHAIN_IDS),
        "delay_ms_per_request": DELAY_S * 1000,
        "pool": POOL,
        "lookups": LOOKUPS,
        "rows": rows,
        "alone_median_ms": statistics.median(r["alone_ms"] for r in rows),
    }
