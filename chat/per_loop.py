"""Per event loop helpers: one object per running loop (per server process; per test), and coalesced work."""

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class PerLoop[T]:
    """`get()` returns this loop's instance of `factory()`, made on first use. Per loop, not per process: a
    coalescing task or a listener belongs to the loop it runs on."""

    def __init__(self, factory: Callable[[], T]):
        self.factory = factory
        self.instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        found = self.instances.get(loop)
        if found is None:
            found = self.instances[loop] = self.factory()
        return found


class Coalesced:
    """Runs `work` when asked, one run at a time: asks during a run make one more run, started no sooner than
    `gap` seconds after the previous one started; the first ask after a quiet spell runs at once. Each run reads
    the state after the asks that caused it, so the last run is never older than the last change."""

    def __init__(self, work: Callable[[], Awaitable[None]], *, gap: float, name: str):
        self.work = work
        self.gap = gap
        self.name = name
        self.dirty = False
        self.task: asyncio.Task | None = None
        self.last_run = -gap

    def request(self) -> None:
        self.dirty = True
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while self.dirty:
            wait = self.last_run + self.gap - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.dirty = False
            self.last_run = time.monotonic()
            try:
                await self.work()
            except Exception:
                log.exception("%s failed", self.name)  # the next change tries again
