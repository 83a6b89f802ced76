"""Benchmarks run by `make bench` (scripts/run-bench); results go to docs/BENCHMARKS.md."""
