"""Emptying the cache between tests without touching anyone else's keys."""


def delete_matching(url: str, pattern: str) -> None:
    """Delete the keys of the Redis database at `url` that match `pattern` (SCAN, then DELETE in batches)."""
    import redis

    store = redis.Redis.from_url(url)
    try:
        names = list(store.scan_iter(match=pattern, count=1000))
        for start in range(0, len(names), 500):
            store.delete(*names[start : start + 500])
    finally:
        store.close()


def cache_clear() -> None:
    """Empty this deployment's cache, and only it.

    Django's RedisCache.clear() is FLUSHDB: it empties the whole Redis database. Under `make test` the other test
    process shares that database as another deployment (tests/support/parallel.py), and its presence counts, Celery
    queue, unacknowledged tasks and channel groups went with it: a customer counted as gone while connected, a
    countdown task lost, a killed worker's task never redelivered (three "flaky" tests, one cause)."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.clear()  # an in-process cache: this process's alone
        return
    delete_matching(settings.CACHES["default"]["LOCATION"], f"{settings.CACHES['default']['KEY_PREFIX']}:*")
