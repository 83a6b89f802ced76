"""Loaded with `-p tests.support.parallel` (scripts/run-tests) before pytest-django reads the settings.

Under pytest-xdist each worker process is its own deployment on the shared Redis: HELPDESK_INSTANCE gets the
worker's id, so its channel groups, Celery queue and cache are apart from the other worker's (the isolation
README, "Several deployments on one Redis", promises; tests/helpdesk/test_isolation.py proves it). pytest-django
already gives each worker its own test database (test_<name>_gw0, …). The Celery workers and servers the tests
start inherit this environment, so they serve their own pytest process only.
"""

import os

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker:
    _base = os.environ.get("HELPDESK_INSTANCE", "") or "test"
    os.environ["HELPDESK_INSTANCE"] = f"{_base}-{_worker}"
