"""A Celery worker killed with SIGKILL in the middle of a task: the broker redelivers it (acks_late,
task_reject_on_worker_lost, a short visibility timeout) and it completes exactly once."""

import os
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from kombu import Connection

from tests.conftest import require
from tests.reliability.harness import Process
from tests.support.servers import _wait_for_worker, child_env_for_test_db, empty_broker, wait_until

VISIBILITY_TIMEOUT = 5


def start_worker() -> Process:
    env = child_env_for_test_db()
    env["HELPDESK_CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)
    args = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo"]
    args += ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-I", "tests.reliability.slow_tasks", "--loglevel", "INFO"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return Process(args, env, "worker-kill").start()


@pytest.mark.django_db(transaction=True)
def test_a_task_killed_with_its_worker_is_redelivered_and_completes_exactly_once():
    require("redis", "postgres")
    from helpdesk.celery import app

    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"sec-kill-{uuid.uuid4()}"
    # Tasks earlier tests queued for no worker (countdowns among them) would reach the first worker before ours and
    # sit in the broker's unacknowledged set beside it: the test is about one task.
    empty_broker(app)
    first = start_worker()
    second = None
    try:
        _wait_for_worker(app, first.proc)
        options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": VISIBILITY_TIMEOUT}
        with Connection(settings.CELERY_BROKER_URL, transport_options=options) as conn:
            app.send_task(
                "tests.reliability.slow_tasks.slow_lookup",
                args=[key, 3.0],
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                connection=conn,
            )
        assert wait_until(lambda: store.llen(f"{key}:started") == 1, 30), "the first worker started the task"
        first.kill()  # SIGKILL in the middle of the task's sleep: no ack, no clean shutdown
        killed_at = time.monotonic()
        assert store.llen(f"{key}:completed") == 0

        second = start_worker()
        assert wait_until(lambda: store.llen(f"{key}:completed") >= 1, 60), "the task was redelivered and finished"
        redelivered_after = time.monotonic() - killed_at
        time.sleep(VISIBILITY_TIMEOUT + 3)  # a second redelivery, if any, would show up by now
        started = [int(pid) for pid in store.lrange(f"{key}:started", 0, -1)]
        completed = [int(pid) for pid in store.lrange(f"{key}:completed", 0, -1)]
        assert len(started) == 2, started
        assert started[0] == first.proc.pid
        assert completed == [second.proc.pid], "it completed exactly once, on the second worker"
        print(f"\nworker kill: redelivered and completed {redelivered_after:.1f} s after SIGKILL")
    finally:
        first.kill()
        if second:
            second.stop()
        store.delete(f"{key}:started", f"{key}:completed")
