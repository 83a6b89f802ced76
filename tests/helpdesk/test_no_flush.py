"""Nothing of ours empties the whole Redis database. Deployments share a Redis server (README, "Several deployments
on one Redis"), and so do the test processes of `make test`; Django's RedisCache.clear() is FLUSHDB. Once, the
sign-in tests' cache.clear() took the other test process's presence counts and Celery tasks with it: three tests
failed now and then, on another process's schedule."""

import ast

from tests.conftest import ROOT

TOPS = [
    "common",
    "accounts",
    "tickets",
    "chat",
    "recovery",
    "pnl",
    "supervisor",
    "helpdesk",
    "bench",
    "tests",
    "scripts",
]
FLUSHES = {"flushdb", "flushall"}


def flushes_in(source: str) -> list[int]:
    """Lines calling cache.clear() (Django's cache, however reached) or a Redis client's flushdb/flushall."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if node.func.attr in FLUSHES or (node.func.attr == "clear" and name == "cache"):
                found.append(node.lineno)
    return found


def test_the_scan_sees_a_flush():
    source = "from django.core.cache import cache\ncache.clear()\nstore.flushdb()\nself.cache.clear()\n_cache.clear()\n"
    assert flushes_in(source) == [2, 3, 4]


def test_no_code_of_ours_flushes_the_shared_redis_database():
    allowed = ROOT / "tests" / "support" / "cache.py"  # clears an in-process cache only; Redis by key prefix
    found = {
        str(path.relative_to(ROOT)): lines
        for top in TOPS
        for path in (ROOT / top).rglob("*.py")
        if path != allowed and (lines := flushes_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "use tests.support.cache.cache_clear (this deployment's keys), never FLUSHDB"
