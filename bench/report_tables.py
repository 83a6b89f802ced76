"""The tables (and plots) of each benchmark's section of docs/BENCHMARKS.md, one function per benchmark, and the way
they write a figure. bench/report.py puts them together with the machine, the targets and the analysis."""

from bench import svg
from bench.env import ROOT

PLOTS = ROOT / "docs" / "bench"
LOST = "not delivered"


def ms(value) -> str:
    if value is None:
        return LOST
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def times(value, baseline) -> str:
    if value is None or not baseline:
        return "—"
    share = value / baseline
    return f"{share:.2f}x" if share < 0.1 else f"{share:.1f}x"


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
