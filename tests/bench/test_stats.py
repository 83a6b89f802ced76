"""The benchmark's arithmetic: percentiles that count lost messages as slower than every delivered one."""

from bench.stats import percentile, ratio, summary
from bench.svg import bars


def test_percentile_of_delivered_values():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([], 50) is None


def test_lost_samples_count_as_slowest():
    values = [1.0] * 98
    assert percentile(values, 50, missing=2) == 1.0
    assert percentile(values, 99, missing=2) is None  # the 99th falls on a message that never arrived


def test_summary_has_no_max_when_something_was_lost():
    assert summary([3.0, 1.0, 2.0]) == {"n": 3, "missing": 0, "p50": 2.0, "p95": 3.0, "p99": 3.0, "max": 3.0}
    assert summary([1.0], missing=1)["max"] is None


def test_ratio_refuses_a_missing_baseline():
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(3.0, None) is None
    assert ratio(None, 1.0) is None


def test_bars_draw_lost_values_as_lost():
    chart = bars("t", ["a", "b"], {"p50": [1.0, None]}, "ms")
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert ">lost</text>" in chart
