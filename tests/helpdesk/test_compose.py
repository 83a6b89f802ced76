"""docker-compose.yml keeps the broker's queue on disk and runs the sweepers (docs/RELIABILITY.md)."""

import yaml

from tests.conftest import ROOT


def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_the_broker_keeps_an_append_only_file_on_a_volume():
    redis = services()["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_beat_runs_the_sweepers_and_the_worker_takes_its_settings_queue():
    beat, worker = services()["beat"], services()["worker"]
    assert beat["command"][:4] == ["celery", "-A", "helpdesk", "beat"]
    assert beat["environment"] == worker["environment"]  # the same deployment: the same Redis names
    assert "-Q" not in worker["command"]  # the queue is derived from REDIS_URL (README, several deployments)
