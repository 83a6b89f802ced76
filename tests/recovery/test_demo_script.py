"""scripts/demo-chains, sourced by scripts/run-demo: without anvil it says so and starts nothing."""

import subprocess

from tests.conftest import ROOT


def test_without_anvil_the_demo_chains_are_skipped_with_a_clear_message(tmp_path):
    script = (
        f"set -euo pipefail; pids=(); BIN={ROOT}/.venv/bin; source {ROOT}/scripts/demo-chains; echo pids=${{#pids[@]}}"
    )
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "Demo chains skipped" in done.stdout and "anvil is missing" in done.stdout
    assert "pids=0" in done.stdout
