"""A test-only task, loaded into the worker with `--include`: slow enough to be killed in the middle, and it
records each start and each completion in Redis so a test can count them."""

import os
import time

import redis

from helpdesk.celery import app


@app.task(name="tests.reliability.slow_tasks.slow_lookup")
def slow_lookup(key: str, seconds: float) -> str:
    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    store.rpush(f"{key}:started", os.getpid())
    time.sleep(seconds)
    store.rpush(f"{key}:completed", os.getpid())
    return "done"
