"""The cache through one client for the whole process.

`django.core.cache.cache` is per async context, and every socket's task and every request is one: called from
there it made each its own backend with its own Redis connection pool (12 KiB per idle widget socket, and a new
connection per first message through the webhooks' lookup, measured by the benchmarks). redis-py's client is safe
to share between threads. Use `shared` on paths that run per socket or per message; the values are the same cache
(the same keys and prefix as `cache`).
"""

from django.core.cache import caches


class _Shared:
    client = None

    def __getattr__(self, name):
        if _Shared.client is None:
            _Shared.client = caches.create_connection("default")
        return getattr(_Shared.client, name)


shared = _Shared()
