"""docs/BENCHMARKS.md and its plots (docs/bench/*.svg) from bench/out/results.json.

The numbers and tables are generated; the explanations come from bench/analysis.md, written by hand.
"""

from bench import svg
from bench.env import ROOT
from bench.report_surge import surge_section, surge_target
from bench.report_workers import workers_section

DOC = ROOT / "docs" / "BENCHMARKS.md"
PLOTS = ROOT / "docs" / "bench"
ANALYSIS = ROOT / "bench" / "analysis.md"
LOST = "not delivered"
BUSY_LOAD = 3.0  # a load average above this on a 2-core machine: worth saying, the figures suffer


def ms(value) -> str:
    if value is None:
        return LOST
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def times(value, baseline) -> str:
    if value is None or not baseline:
        return "—"
    share = value / baseline
    return f"{share:.2f}x" if share < 0.1 else f"{share:.1f}x"


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


def delivery_section(rows: list[dict]) -> list[str]:
    lines = [
        "## Chat delivery",
        "",
        "Each customer sends one message every 2 s to the agent holding the chat (50 chats per agent socket); "
        "latency is customer send → agent receive, with the send time carried in the body. `bare` and "
        "`durable` are the floors measured in the same run (see below); ratios are to the durable floor at "
        "the same size. The product runs twice: its customers name the conversation in every frame, then (the "
        '"customers omit conversation" rows) they leave it out, as the wire contract allows.',
        "",
        "| system | chats | msg/s | p50 | p95 | p99 | ack p50 | ack p99 | p50 / durable | p99 / durable | "
        "p99 / bare | delivered | server CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    floors = {(r["system"], r["conversations"]): r for r in rows if r["system"] in ("bare", "durable")}
    for r in rows:
        durable = floors.get(("durable", r["conversations"]), {}).get("deliver", {})
        bare = floors.get(("bare", r["conversations"]), {}).get("deliver", {})
        d, a = r["deliver"], r["ack"]
        system = f"{r['system']}, {r['variant']}" if r.get("variant") else r["system"]
        lines.append(
            f"| {system} | {r['conversations']:,} | {r['rate_per_s']:.0f} | {ms(d['p50'])} | {ms(d['p95'])} | "
            f"{ms(d['p99'])} | {ms(a['p50'])} | {ms(a['p99'])} | {times(d['p50'], durable.get('p50'))} | "
            f"{times(d['p99'], durable.get('p99'))} | {times(d['p99'], bare.get('p99'))} | "
            f"{r['delivered']:,} / {r['sent']:,} | {r['server_cpu'] * 100:.0f}% |"
        )
    lines += [
        "",
        '"not delivered": that percentile fell on a message that had not reached the agent 2 s after '
        "the last send (it counts as slower than every delivered one).",
        "",
        "![delivery latency](bench/delivery.svg)",
        "",
    ]
    return lines


def delivery_plot(rows: list[dict]) -> None:
    sizes = sorted({r["conversations"] for r in rows})
    groups, series = (
        [],
        {"bare p50": [], "bare p99": [], "durable p50": [], "durable p99": [], "product p50": [], "product p99": []},
    )
    for size in sizes:
        groups.append(f"{size:,} chats")
        for system, label in (("bare", "bare"), ("durable", "durable"), ("uvicorn", "product")):
            row = next(
                (r for r in rows if r["system"] == system and r["conversations"] == size and not r.get("variant")),
                None,
            )
            series[f"{label} p50"].append(row["deliver"]["p50"] if row else None)
            series[f"{label} p99"].append(row["deliver"]["p99"] if row else None)
    (PLOTS / "delivery.svg").write_text(svg.bars("customer → agent latency (log scale)", groups, series, "ms"))


def asgi_section(rows: list[dict]) -> list[str]:
    lines = [
        "## ASGI servers",
        "",
        "The same delivery benchmark, the product under each server (one process each), in two interleaved "
        "rounds, after the durable floor that both rounds' ratios refer to.",
        "",
        "| round | server | chats | p50 | p95 | p99 | ack p50 | p50 / durable | p99 / durable | delivered | CPU | "
        "RSS after connect |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d = r["deliver"]
        durable = next((x for x in rows if x["system"] == "durable"), None)
        base = durable["deliver"] if durable else {}
        lines.append(
            f"| {r.get('round', 1)} | {r['system']} | {r['conversations']:,} | {ms(d['p50'])} | {ms(d['p95'])} | "
            f"{ms(d['p99'])} | {ms(r['ack']['p50'])} | {times(d['p50'], base.get('p50'))} | "
            f"{times(d['p99'], base.get('p99'))} | {r['delivered']:,} / {r['sent']:,} | "
            f"{r['server_cpu'] * 100:.0f}% | {r['server_rss_mib']:.0f} MiB |"
        )
    groups = [f"{r['system']} #{r.get('round', 1)}" for r in rows]
    (PLOTS / "asgi.svg").write_text(
        svg.bars(
            "ASGI servers: customer → agent latency (log scale)",
            groups,
            {"p50": [r["deliver"]["p50"] for r in rows], "p99": [r["deliver"]["p99"] for r in rows]},
            "ms",
        )
    )
    return [*lines, "", "![ASGI servers](bench/asgi.svg)", ""]


def scaling_section(rows: list[dict]) -> list[str]:
    lines = [
        "## A second ASGI process",
        "",
        "The same offered load on one uvicorn process and on two, both on the same Redis and PostgreSQL; each "
        "customer socket lands on a different process than its agent's when there are two, so every message also "
        "crosses the channel layer between processes. The load generators run on the same two cores.",
        "",
        "| processes | chats | offered msg/s | delivered msg/s (arrived in the window) | p50 | p99 | ack p50 | "
        "CPU (all server processes) | CPU (load generators) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['servers']} | {r['conversations']:,} | {r['rate_per_s']:.0f} | {r['delivered_per_s']:.0f} | "
            f"{ms(r['deliver']['p50'])} | {ms(r['deliver']['p99'])} | {ms(r['ack']['p50'])} | "
            f"{r['server_cpu'] * 100:.0f}% | {r.get('loadgen_cpu', 0) * 100:.0f}% |"
        )
    (PLOTS / "scaling.svg").write_text(
        svg.bars(
            "delivered messages per second",
            [f"{r['conversations']:,} chats, {r['servers']} process{'es' if r['servers'] > 1 else ''}" for r in rows],
            {"offered": [r["rate_per_s"] for r in rows], "delivered": [r["delivered_per_s"] for r in rows]},
            "msg/s",
            log=False,
        )
    )
    return [*lines, "", "![scaling](bench/scaling.svg)", ""]


def idle_section(r: dict) -> list[str]:
    return [
        "## Idle sockets",
        "",
        "Customer sockets that said `hello` (a signed token, their customer group joined) and then stay quiet, "
        "all held by one uvicorn process. Memory is the process's RSS growth divided by the sockets opened "
        f"(after {50} warm-up sockets); idle CPU is measured over 10 s.",
        "",
        "| sockets asked | opened | failed | time to open | KiB per socket | idle CPU | RSS before → after |",
        "|---|---|---|---|---|---|---|",
        f"| {r['target']:,} | {r['opened']:,} | {r['failed']:,} | {r['open_s']:.0f} s | "
        f"{r['kib_per_socket']:.1f} | {r['idle_cpu'] * 100:.1f}% | "
        f"{r['rss_before_mib']:.0f} → {r['rss_after_mib']:.0f} MiB |",
        "",
    ]


def resume_section(r: dict) -> list[str]:
    rows = [("customer (`hello` with `after_seq`)", r["widget"]), ("agent (`resume`)", r["agent"])]
    lines = [
        "## Resume",
        "",
        f"A client reconnects having missed {r['missed']:,} messages and receives them all "
        f"({r['rounds']} rounds each; time from the request to the last message).",
        "",
        "| who | p50 | max |",
        "|---|---|---|",
    ]
    lines += [f"| {who} | {ms(s['p50'])} | {ms(s['max'])} |" for who, s in rows]
    return [*lines, ""]


def search_section(r: dict) -> list[str]:
    generated = (
        f"generated in {r['generated_s']:.0f} s this run" if r.get("generated_s") else "kept from an earlier run"
    )
    cap = r.get("count_cap")
    lines = [
        "## History search",
        "",
        f"`supervisor.selectors.history` with a text query, as the history page runs it (the 25 rows of the "
        f"first page and the count for the pager), over {r['messages']:,} messages in 10,000 conversations in "
        f"six languages ({generated}).",
        "",
        f"All queries: p50 {ms(r['all']['p50'])}, p95 {ms(r['all']['p95'])}, p99 {ms(r['all']['p99'])}.",
        "",
    ]
    if cap:
        lines += [
            f"The pager counts at most {cap:,} conversations (`HELPDESK_HISTORY_COUNT_CAP`; the page then says "
            f'"{cap:,}+"). The last column is the count of every match, which the pager ran before the cap, '
            "measured in the same run (medians of 5).",
            "",
        ]
    head = "| query | conversations matched | page p50 | of which: rows | of which: count |"
    lines += [head + (" count without the cap |" if cap else ""), "|---|---|---|---|---|" + ("---|" if cap else "")]
    for query, q in r["queries"].items():
        hits = f"{cap:,}+ ({q['uncapped_hits']:,})" if q.get("capped") else f"{q['hits']:,}"
        line = f"| {query.replace('|', '/')} | {hits} | {ms(q['p50'])} | {ms(q.get('page_ms'))} | "
        line += f"{ms(q.get('count_ms'))} |"
        lines.append(line + (f" {ms(q.get('uncapped_count_ms'))} |" if cap else ""))
    return [*lines, ""]


def inbox_section(r: dict) -> list[str]:
    lines = [
        "## Inbox",
        "",
        "The agent queue (`chat.selectors.queue_frame`), the waiting customers' places (one refresh of "
        "`chat.waiting`: every waiting chat's position and the agents online, at most once a second per process) "
        "and the ticket list page (GET through Django's test client, as an agent) with 100, 1,000 and 10,000 "
        "waiting conversations.",
        "",
        "| open conversations | queue queries | queue p50 | queue p95 | places queries | places p50 | places p95 | "
        "ticket list queries | ticket list p50 | ticket list p95 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        places = row.get("waiting")
        places_cells = (
            f"{row['waiting_queries']} | {ms(places['p50'])} | {ms(places['p95'])}" if places else "— | — | —"
        )
        lines.append(
            f"| {row['open']:,} | {row['queue_queries']} | {ms(row['queue']['p50'])} | "
            f"{ms(row['queue']['p95'])} | {places_cells} | {row['ticket_queries']} | {ms(row['tickets']['p50'])} | "
            f"{ms(row['tickets']['p95'])} |"
        )
    return [*lines, ""]


def txid_section(r: dict) -> list[str]:
    singles = ", ".join(f"{k} {ms(v)}" for k, v in r["singles_ms"].items())
    return [
        "## TXID lookup",
        "",
        f"`recovery.lookup.ask_all` over {r['chains']} local anvil chains; the chain holding the transaction "
        f"sits behind a proxy that delays every request by {r['delay_ms_per_request']:.0f} ms.",
        "",
        "| all chains at once (median) | slowest chain alone | ratio |",
        "|---|---|---|",
        f"| {ms(r['all_median_ms'])} | {ms(r['slowest_single_ms'])} | {r['ratio']:.2f}x |",
        "",
        f"Each chain alone (median of 3): {singles}.",
        "",
    ]


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
