"""docs/BENCHMARKS.md and its plots (docs/bench/*.svg) from bench/out/results.json: the machine, the targets met
or not, then each benchmark's section (bench/report_tables.py, report_surge.py, report_workers.py).

The numbers and tables are generated; the explanations come from bench/analysis.md, written by hand.
"""

from bench.env import ROOT
from bench.report_surge import surge_section, surge_target
from bench.report_tables import (
    PLOTS,
    asgi_section,
    delivery_plot,
    delivery_section,
    idle_section,
    inbox_section,
    ms,
    resume_section,
    scaling_section,
    search_section,
    txid_section,
)
from bench.report_workers import workers_section

DOC = ROOT / "docs" / "BENCHMARKS.md"
ANALYSIS = ROOT / "bench" / "analysis.md"
BUSY_LOAD = 3.0  # a load average above this on a 2-core machine: worth saying, the figures suffer


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def failed(section) -> str | None:
    if not isinstance(section, dict):
        return None
    return section.get("error") or section.get("skipped")


def quiet(output: str) -> str:
    """A child's output without warnings (Python prints each with the source line that raised it)."""
    lines, skip = [], False
    for line in output.strip().splitlines():
        if "Warning:" in line:
            skip = True
            continue
        if skip and line.startswith(" "):
            continue
        skip = False
        lines.append(line)
    return "\n".join(lines)


def machine_section(results: dict) -> list[str]:
    m = results["machine"]
    packages = ", ".join(f"{name} {v}" for name, v in m["packages"].items())
    loads = results.get("load", {})
    busiest = max(loads.values(), default=0.0)
    lines = [
        "## The machine and the run",
        "",
        f"- {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB memory, Linux {m['kernel']}",
        f"- Python {m['python']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}",
        f"- {packages}",
        f"- run started {results.get('started')}, finished {results.get('finished')}, "
        f"{results.get('total_s', 0):.0f} s in all",
        "- 1-minute load average when each step started: "
        + ", ".join(f"{name} {load:.1f}" for name, load in loads.items()),
    ]
    if busiest > BUSY_LOAD:
        lines.append(
            f"- **The machine was busy**: the load average reached {busiest:.1f} on {m['nproc']} CPUs. Part of "
            "that is the benchmark itself (the load generators share the CPUs, the scaling and idle steps drive "
            "thousands of sockets, and a 1-minute average carries the step before); any other work on the machine "
            "adds to it. Absolute figures are pessimistic; the ratios to the floors measured in the same run are "
            "the figures to compare."
        )
    return [*lines, ""]


def delivery_targets(delivery: list[dict]) -> list[str]:
    """The product at the largest size against the durable floor of the same run: as its customers usually send,
    and with "conversation" left out of every frame."""
    at = max(r["conversations"] for r in delivery)
    durable = next((r for r in delivery if r["system"] == "durable" and r["conversations"] == at), None)
    rows = []
    for variant, name in ((None, "chat delivery"), ("customers omit conversation", "customers omit conversation")):
        product = next(
            (
                r
                for r in delivery
                if r["system"] == "uvicorn" and r["conversations"] == at and r.get("variant") == variant
            ),
            None,
        )
        if not (product and durable):
            continue
        p50, p99, floor = product["deliver"]["p50"], product["deliver"]["p99"], durable["deliver"]["p99"]
        ok = p50 is not None and p99 is not None and p50 <= 5 and p99 <= 50 and floor and p99 <= 1.5 * floor
        rows.append(
            f"| {name}, {at:,} chats | p50 ≤ 5 ms, p99 ≤ 1.5x durable floor and ≤ 50 ms | "
            f"p50 {ms(p50)}, p99 {ms(p99)} (durable floor p99 {ms(floor)}) | {verdict(ok)} |"
        )
    return rows


def targets(results: dict) -> list[str]:
    rows = []
    delivery = results.get("delivery")
    if isinstance(delivery, list):
        rows += delivery_targets(delivery)
    idle = results.get("idle")
    if isinstance(idle, dict) and not failed(idle):
        ok = idle["opened"] >= 10_000 and idle["kib_per_socket"] <= 30 and idle["idle_cpu"] < 0.05
        rows.append(
            f"| idle sockets | ≥ 10,000 per process, ≤ 30 KiB each, idle CPU < 5% | {idle['opened']:,}, "
            f"{idle['kib_per_socket']:.1f} KiB, {idle['idle_cpu'] * 100:.1f}% | {verdict(ok)} |"
        )
    resume = results.get("resume")
    if isinstance(resume, dict) and not failed(resume):
        worst = max(resume["widget"]["p50"], resume["agent"]["p50"])
        rows.append(
            f"| resume 1,000 messages | ≤ 200 ms | customer p50 {ms(resume['widget']['p50'])}, agent p50 "
            f"{ms(resume['agent']['p50'])} | {verdict(worst <= 200)} |"
        )
    search = results.get("search")
    if isinstance(search, dict) and not failed(search):
        rows.append(
            f"| history search, {search['messages']:,} messages | p95 ≤ 100 ms | p95 "
            f"{ms(search['all']['p95'])} | {verdict(search['all']['p95'] <= 100)} |"
        )
    inbox = results.get("inbox")
    if isinstance(inbox, dict) and not failed(inbox):
        last = inbox["rows"][-1]
        flat = (
            len({r["queue_queries"] for r in inbox["rows"]}) == 1
            and len({r["ticket_queries"] for r in inbox["rows"]}) == 1
        )
        ok = flat and last["queue"]["p95"] <= 100 and last["tickets"]["p95"] <= 100
        rows.append(
            f"| inbox, {last['open']:,} open | query count flat, p95 ≤ 100 ms | queries "
            f"{'flat' if flat else 'grow'}; queue p95 {ms(last['queue']['p95'])}, ticket list p95 "
            f"{ms(last['tickets']['p95'])} | {verdict(ok)} |"
        )
    surge = results.get("surge")
    if isinstance(surge, dict) and not failed(surge):
        rows.append(surge_target(surge))
    txid = results.get("txid")
    if isinstance(txid, dict) and not failed(txid):
        rows.append(
            f"| TXID lookup, 7 chains | ≤ 1.2x slowest chain | {txid['ratio']:.2f}x | {verdict(txid['ratio'] <= 1.2)} |"
        )
    return ["## Targets", "", "| benchmark | target | measured | verdict |", "|---|---|---|---|", *rows, ""]


SECTIONS = [
    ("delivery", delivery_section),
    ("asgi", asgi_section),
    ("scaling", scaling_section),
    ("idle", idle_section),
    ("resume", resume_section),
    ("search", search_section),
    ("inbox", inbox_section),
    ("surge", surge_section),
    ("txid", txid_section),
    ("workers", workers_section),
]


def write(results: dict) -> None:
    PLOTS.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`scripts/run-bench` → `bench/run.py`); do not edit the figures by hand. "
        "Every figure is given as an absolute value and, where a floor exists, as a ratio to that floor "
        "measured in the same run: figures on a shared machine drift, ratios much less.",
        "",
        *machine_section(results),
        *targets(results),
    ]
    for name, section in SECTIONS:
        data = results.get(name)
        if data is None:
            continue
        if failed(data):
            lines += [f"## {name}", "", f"Not measured in this run: {failed(data)}", ""]
            continue
        if name == "delivery":
            delivery_plot(data)
        lines += section(data)
    pnl = results.get("pnl")
    if isinstance(pnl, dict) and "output" in pnl:
        lines += [
            "## P&L explainer",
            "",
            "Output of `bench/pnl_bench.py` (written by the P&L engineer):",
            "",
            "```",
            quiet(pnl["output"]),
            "```",
            "",
        ]
    if ANALYSIS.exists():
        lines += [ANALYSIS.read_text().strip(), ""]
    # No path of the machine that ran it ends up in the document.
    DOC.write_text("\n".join(lines).replace(str(ROOT) + "/", "").replace(str(ROOT), "."))
