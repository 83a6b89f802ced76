"""The surge benchmark's arithmetic (bench/surge.py): when a chat counts as in an agent's queue, what is missing."""

from bench.surge import analyse, targets_met


def customer(start, ack=None, error=None):
    record = {"start": start, "welcome": start + 0.01, "sent": start + 0.02}
    if ack is not None:
        record.update(ack=ack, conversation=1)
    if error:
        record["error"] = error
    return record


def frame(at, as_of, total, size=2000):
    return {"at": at, "as_of": as_of, "bytes": size, "total": total}


def test_a_chat_is_in_the_queue_at_the_first_frame_read_after_its_ack():
    part = {
        "customers": {"a": customer(100.0, ack=100.1), "b": customer(100.5, ack=100.6)},
        # The frame at 100.3 was read at 100.05, before a's ack: it may not count a, so it does not count.
        "agents": [[frame(100.3, 100.05, 1), frame(100.4, 100.2, 1), frame(101.0, 100.7, 2)]],
        "cpu_s": 1.0,
    }
    row = analyse([part], count=2, window=10)
    assert row["acked"] == 2 and row["errors"] == 0
    assert round(row["ack"]["p50"]) == round(row["ack"]["max"]) == 80  # send → ack
    assert [round(x) for x in sorted([row["queue"]["p50"], row["queue"]["max"]])] == [300, 400]
    assert row["frame_max_bytes"] == 2000 and row["last_total"] == 2


def test_an_unacked_customer_or_a_chat_never_seen_misses_the_target():
    part = {
        "customers": {"a": customer(100.0, ack=100.1), "b": customer(100.5, error="ConnectionClosedError")},
        "agents": [[frame(100.2, 100.0, 1)]],
        "cpu_s": 1.0,
    }
    row = analyse([part], count=3, window=10)  # and one customer never even started
    assert (row["acked"], row["errors"]) == (1, 2)
    assert row["queue"]["missing"] == 1 + 2 and row["queue"]["max"] is None
    assert not targets_met({**row, "customers": 3})


def test_the_last_chat_counts_at_the_frame_that_holds_everyone():
    """Nothing changes after the last chat opens, so no frame is read after its ack reaches the customer; the last
    frame counts every chat of the run (3 waited before it), so the last chat is in it, with no time to wait."""
    part = {
        "customers": {"a": customer(100.0, ack=100.2), "b": customer(100.5, ack=100.9)},
        "agents": [[frame(100.3, 100.25, 4), frame(100.8, 100.7, 5)]],
        "cpu_s": 1.0,
    }
    row = analyse([part], count=2, window=10, everyone=3 + 2)
    assert row["queue"]["missing"] == 0
    assert [round(x) for x in (row["queue"]["p50"], row["queue"]["max"])] == [0, 100]


def test_the_section_shows_the_stacks_floor_under_the_product():
    """The floor (bench/surge_floor.py) has no agents: its queue columns say so instead of "not reached"."""
    from bench.report_surge import surge_section

    product = analyse(
        [{"customers": {"a": customer(100.0, ack=100.1)}, "agents": [[frame(100.3, 100.2, 1)]], "cpu_s": 1}], 1, 10
    )
    floor = analyse([{"customers": {"a": customer(100.0, ack=100.05)}, "agents": [], "cpu_s": 1}], 1, 10)
    floor.update(server_cpu=0.4, server_cpu_ms_per_customer=2.25)
    product.update(server_cpu=0.9, server_cpu_ms_per_customer=12.0, floor=floor)
    rows = [line for line in surge_section(product) if line.startswith("| the ")]
    assert rows[0].startswith("| the product | 1 | 10 s | 1 |") and rows[0].endswith("| 90% | 12 ms |")
    assert rows[1].startswith("| the stack's floor | 1 |") and "| — | — | — |" in rows[1]
    assert rows[1].endswith("| 40% | 2.25 ms |")
