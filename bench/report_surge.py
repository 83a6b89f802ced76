"""The "Surge" section of docs/BENCHMARKS.md and its target row (kept apart: report.py is long enough)."""


def ms(value) -> str:
    if value is None:
        return "not reached"
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def surge_row(label: str, r: dict) -> str:
    cpu = r.get("server_cpu_ms_per_customer")  # absent from rows measured before it was recorded
    per_customer = ms(cpu) if cpu is not None else "—"
    queue = [ms(r["queue"][k]) for k in ("p50", "p99", "max")] if r["agents"] else ["—"] * 3
    return (
        f"| {label} | {r['customers']:,} | {r['window_s']:.0f} s | {r['acked']:,} | {ms(r['welcome']['p50'])} / "
        f"{ms(r['welcome']['p99'])} | {ms(r['ack']['p50'])} | {ms(r['ack']['p99'])} | {ms(r['ack']['max'])} | "
        f"{' | '.join(queue)} | {r['queue_frames']:,} | {r['frame_max_bytes'] / 1024:.1f} KiB | "
        f"{r['server_cpu'] * 100:.0f}% | {per_customer} |"
    )


def surge_section(r: dict) -> list[str]:
    floor = r.get("floor")  # absent from runs before the floor was measured
    return [
        "## Surge",
        "",
        f"Withdrawals are halted: {r['customers']:,} new customers each open the widget socket, say `hello` (a "
        f"signed token for a customer the helpdesk has never seen) and send a first message, spread evenly over "
        f"{r['window_s']:.0f} s, against one uvicorn process with the product's defaults (auto-offer on); "
        f"{r['agents']} agents are online with the console's socket open. Ack: the first message's send → its ack. "
        "In the queue: its ack → the first queue frame at an agent that certainly counts the chat — one the server "
        "read after that ack (the frame's `as_of` is taken before the read), or one that counts every chat of the run "
        "— for every new chat at every agent (an upper bound; 0 when the frame came first). The queue frame carries "
        "the first page and the counts (docs/protocol.md), so a chat is counted, and reached by paging.",
        "",
        "The floor (bench/surge_floor.py) is the same clients against the same uvicorn, Channels and Redis channel "
        "layer with nothing of ours: the handshake, the token checked, the socket subscribed to its customer's group, "
        "a welcome and an ack; no database, no queue. What a new customer costs the product above it is the product's "
        "own work (customer, ticket, conversation, first message, presence, offer, queue).",
        "",
        "| server | customers | window | acked | hello → welcome p50 / p99 | ack p50 | ack p99 | ack max | "
        "in the queue p50 | p99 | max | queue frames | largest frame | server CPU | CPU per customer |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        surge_row("the product", r),
        *([surge_row("the stack's floor", floor)] if floor else []),
        "",
    ]


def surge_target(r: dict) -> str:
    from bench.surge import targets_met

    return (
        f"| surge, {r['customers']:,} new customers in {r['window_s']:.0f} s | every first message acked, "
        "ack p99 ≤ 1 s; every new chat in every online agent's queue ≤ 2 s after its ack; queue frames ≤ 64 KB | "
        f"{r['acked']:,} acked, ack p99 {ms(r['ack']['p99'])}; queue max {ms(r['queue']['max'])}; largest frame "
        f"{r['frame_max_bytes'] / 1024:.1f} KiB | {'met' if targets_met(r) else '**not met**'} |"
    )
