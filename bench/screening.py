"""What the chat's safety checks cost a message (docs/BENCHMARKS.md, "Safety checks").

Every customer message runs chat.screening.customer_text (common.safety.secrets.redact) on the socket's hot path, on
the event loop, before it is stored; every message frame reads its markers back (redacted_kinds) and every staff
frame of a text looks for look-alike links (lookalikes_in) when HELPDESK_OFFICIAL_DOMAINS is set. Measured per call
on the benchmark's corpus (bench.search: runs of support phrases in six languages), one call at a time, in this
process alone:  python -m bench.screening [MESSAGES]
"""

import os
import random
import statistics
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("HELPDESK_DEBUG", "true")
    os.environ["HELPDESK_OFFICIAL_DOMAINS"] = "demo-exchange.test,binance.com"
    import django

    django.setup()


def corpus(count: int) -> list[str]:
    """The search benchmark's message bodies; one in 500 carries a link, one in 1,000 a seed phrase."""
    from mnemonic import Mnemonic

    from bench.search import WORDS, body

    rng = random.Random(17)
    languages = list(WORDS)
    bodies = []
    for index in range(count):
        text = body(rng, languages[index % len(languages)], index)
        if index % 500 == 0:
            text += " see https://demo-exchange-support.test/verify or https://www.example.org/help"
        if index % 1000 == 1:
            text += " " + Mnemonic("english").to_mnemonic(rng.randbytes(16))
        bodies.append(text)
    return bodies


def per_call_us(call, bodies: list[str]) -> dict:
    for text in bodies[:2000]:  # warm the caches (wordlists, skeletons) as a running server has them
        call(text)
    samples = []
    for text in bodies:
        start = time.perf_counter_ns()
        call(text)
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return {
        "p50_us": round(statistics.median(samples), 1),
        "p99_us": round(samples[int(len(samples) * 0.99)], 1),
        "max_us": round(samples[-1], 1),
        "mean_us": round(statistics.fmean(samples), 1),
    }


def measure(count: int = 60_000) -> dict:
    _setup()
    from chat import screening

    bodies = corpus(count)
    with_secret = [text for text in bodies if screening.customer_text(text).kinds]
    return {
        "messages": count,
        "customer_text (redact, hot path)": per_call_us(screening.customer_text, bodies),
        f"customer_text, the {len(with_secret)} with a seed phrase": per_call_us(screening.customer_text, with_secret),
        "redacted_kinds (every frame)": per_call_us(screening.redacted_kinds, bodies),
        "lookalikes_in (staff frames)": per_call_us(screening.lookalikes_in, bodies),
    }


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 60_000)
    for name, figures in result.items():
        print(f"{name}: {figures}")
