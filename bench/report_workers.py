"""The "A second Celery worker" section of docs/BENCHMARKS.md and its plot (kept apart: report.py is long enough)."""

from bench import svg
from bench.env import ROOT

PLOT = ROOT / "docs" / "bench" / "workers.svg"


def layout(row: dict) -> str:
    processes = f"{row['processes']} worker{'s' if row['processes'] > 1 else ''}"
    return f"{processes} x {row['threads']} threads"


def seconds(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def workers_section(r: dict) -> list[str]:
    rows = r["rows"]
    first = rows[0]
    lines = [
        "## A second Celery worker",
        "",
        f"{r['lookups']} TXID lookups requested at once through `recovery.services.lookup_start` (each: its row, "
        f"then the Celery task on commit), answered by real `celery -A helpdesk worker` processes with the pool "
        f"production runs (`--pool {r['pool']} --concurrency 8`, docker-compose.yml), all on the same Redis "
        f"broker and queue. Each lookup asks {r['chains']} local anvil chains, every one behind a proxy that "
        f"delays each request by {r['delay_ms_per_request']:.0f} ms (a distant public node), so a lookup mostly "
        "waits on the network. Time is from the request's commit to its verdict, read back from the rows; "
        "throughput is lookups over the time from the first request to the last verdict. The last row gives "
        "one process as many threads as two workers have, to tell what a second process adds from what more "
        "threads add.",
        "",
        "| workers x threads | slots | lookups/s | vs 1 worker | one lookup alone | p50 | p95 | worker CPU per lookup "
        "| chains unanswered |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {layout(row)} | {row['slots']} | {row['per_s']:.2f} | {row['per_s'] / first['per_s']:.2f}x | "
            f"{seconds(row['alone_ms'])} | {seconds(row['wall']['p50'])} | {seconds(row['wall']['p95'])} | "
            f"{row['cpu_ms_per_lookup']:.0f} ms | {row['unknown_answers']} |"
        )
    PLOT.write_text(
        svg.bars(
            "TXID lookups completed per second",
            [layout(row) for row in rows],
            {
                "measured": [row["per_s"] for row in rows],
                "slots ÷ one lookup alone": [row["slots"] / row["alone_ms"] * 1000 for row in rows],
            },
            "/s",
            log=False,
        )
    )
    return [*lines, "", "![Celery workers](bench/workers.svg)", ""]
