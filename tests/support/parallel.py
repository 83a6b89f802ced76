"""Loaded with `-p tests.support.parallel` (scripts/run-tests) before pytest-django reads the settings.

Each run, and under pytest-xdist each of its worker processes, is its own deployment on the shared Redis:
HELPDESK_INSTANCE names the run and the worker, so channel groups, the Celery queue and cache keys are apart from the
other worker's (the isolation the README's "Several deployments on one Redis" promises; tests/helpdesk/
test_isolation.py proves it) and from every earlier run's. The test database is new for every run (pytest-django
gives each worker its own, test_<name>_gw0, …) and its ids start again at 1, so a cache key left by an earlier run
(a customer's presence, a pending reply notice) or a task it queued for no worker would otherwise meet this run's
rows of the same id. The Celery workers and servers the tests start inherit this environment. At the end the run
removes what it left in Redis.
"""

import os
import uuid

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_run = (os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex)[:8]
_base = os.environ.get("HELPDESK_INSTANCE", "") or "test"
os.environ["HELPDESK_INSTANCE"] = "-".join(part for part in (_base, _run, _worker) if part)[:40].rstrip("-")


def pytest_sessionfinish(session, exitstatus):
    from django.conf import settings

    if not getattr(settings, "REDIS_URL", ""):
        return
    from tests.support.cache import delete_matching

    delete_matching(settings.REDIS_URL, f"{settings.REDIS_NAMESPACE}[.:]*")
