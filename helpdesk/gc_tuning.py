"""How a server process sets up Python's cyclic garbage collector (called once, at start-up, by helpdesk.asgi).

The collector stops the event loop while it runs. With 1,000 chats open, full collections took 60-130 ms and were
the whole tail of the delivery benchmark (docs/BENCHMARKS.md). What start-up created (modules, settings, URL
patterns) lives as long as the process: freeze it out of every collection, and collect the young generation less
often (each pass is still ~1 ms). Library code never switches the collector off; benchmarks call this too, so that
they measure what the server runs.
"""

import gc

GC_THRESHOLD = (5000, 20, 100)


def tune_for_server() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
