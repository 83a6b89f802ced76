"""`make run` without Redis (docs: README, "Two commands"): tasks run in-process, and the log says only what is
true. Celery opens a producer even for an eager task; without a broker URL kombu used to warn "No hostname was
supplied. Reverting to default 'localhost'", as if an AMQP broker on this machine were being used."""

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import django
django.setup()
from django.conf import settings
from helpdesk import health
from helpdesk.celery import ping
assert settings.CELERY_TASK_ALWAYS_EAGER, "no broker: tasks run in-process"
print("answer:", ping.delay().get(), health.check_broker())
"""


def test_a_task_in_embedded_mode_runs_without_a_broker_warning(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        HELPDESK_DEBUG="true",
        HELPDESK_SQLITE_PATH=str(tmp_path / "embedded.sqlite3"),
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "answer: pong eager" in done.stdout
    assert "localhost" not in done.stderr, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
