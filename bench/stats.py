"""Percentiles and small summaries."""

import math


def percentile(values: list[float], p: float, missing: int = 0) -> float | None:
    """The p-th percentile; `missing` samples never arrived and count as slower than all others (None)."""
    total = len(values) + missing
    if not total:
        return None
    rank = max(0, math.ceil(p / 100 * total) - 1)
    if rank >= len(values):
        return None
    return sorted(values)[rank]


def summary(values: list[float], missing: int = 0) -> dict:
    """p50/p95/p99/max and count of a list of milliseconds; None where the percentile fell on a lost sample."""
    return {
        "n": len(values),
        "missing": missing,
        "p50": percentile(values, 50, missing),
        "p95": percentile(values, 95, missing),
        "p99": percentile(values, 99, missing),
        "max": max(values) if values and not missing else None,
    }


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline
