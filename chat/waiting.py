"""Telling a waiting customer where they stand: their place in the queue and how many agents are online
(the `waiting` frame, docs/protocol.md).

One board per server process (per event loop) holds the widget sockets of that process whose chat waits. A change
anywhere — a chat joins or leaves the queue, an agent's presence changes — is one nudge to the group `chat.waiting`,
which every process's board hears once (not once per socket). The board then reads every waiting chat's position
and the agents online (one query each, chat.selectors) at most once a second, and sends each of its sockets its own
numbers, only when they changed. So a surge of 2,000 waiting customers costs each process one read a second and
one frame per socket whose numbers moved — never a query per socket per change. A chat that is no longer waiting
(accepted, ended) leaves the board: its socket hears no more `waiting` frames.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat import selectors
from chat.per_loop import Coalesced, PerLoop

log = logging.getLogger(__name__)

GROUP = "chat.waiting"
GAP_S = 1.0  # at most one refresh (so one frame per socket) a second
HEAL_S = 20.0  # re-join the group this often while sockets wait (a Redis restarted empty forgets groups)


def frame(conversation_id: int, position: int, agents_online: int) -> dict:
    return {"type": "waiting", "conversation": conversation_id, "position": position, "agents_online": agents_online}


def _numbers() -> tuple[dict[int, int], int]:
    return selectors.waiting_positions(), selectors.agents_online()


class Board:
    """The waiting sockets of one process, and one refresh at a time (see the module's docstring)."""

    def __init__(self):
        self.sockets: dict[int, set[str]] = {}  # conversation -> channel names of its widget sockets here
        self.watching: dict[str, set[int]] = {}  # channel name -> conversations it watches (the reverse, for forget)
        self.sent: dict[str, tuple[int, int]] = {}  # channel name -> (position, agents online) it was last sent
        self.refresh = Coalesced(self._refresh, gap=GAP_S, name="waiting refresh")
        self.listener: asyncio.Task | None = None
        self.rejoin: asyncio.Task | None = None
        self.channel: str | None = None  # this process's channel in the group, once listening
        self.joined_at = 0.0

    def watch(self, channel: str, conversation_id: int) -> None:
        """This socket shows this conversation: send it its numbers now (again, after a resume) while it waits."""
        self.sockets.setdefault(conversation_id, set()).add(channel)
        self.watching.setdefault(channel, set()).add(conversation_id)
        self.sent.pop(channel, None)
        self._listen()
        self.request()

    def forget(self, channel: str) -> None:
        """The socket closed (a mass disconnect costs one step per socket, not a scan of the board each)."""
        self.sent.pop(channel, None)
        for conversation_id in self.watching.pop(channel, ()):
            channels = self.sockets.get(conversation_id, set())
            channels.discard(channel)
            if not channels:
                self.sockets.pop(conversation_id, None)

    def heal(self) -> None:
        """From a socket's heartbeat: now and then re-join the group and refresh, in case a nudge was lost."""
        if self.sockets and time.monotonic() - self.joined_at > HEAL_S:
            self.joined_at = time.monotonic()
            self.rejoin = asyncio.ensure_future(self._join())
            self.request()

    def request(self) -> None:
        self.refresh.request()

    async def _refresh(self) -> None:
        if not self.sockets:
            return
        positions, agents_online = await database_sync_to_async(_numbers, thread_sensitive=False)()
        layer = get_channel_layer()
        for conversation_id, channels in list(self.sockets.items()):
            position = positions.get(conversation_id)
            if position is None:  # accepted or ended: no more waiting frames for it
                self._drop(conversation_id)
                continue
            numbers = (position, agents_online)
            for channel in list(channels):
                if self.sent.get(channel) != numbers:
                    self.sent[channel] = numbers
                    event = {"type": "chat.waiting", "frame": frame(conversation_id, *numbers)}
                    await layer.send(channel, event)

    def _drop(self, conversation_id: int) -> None:
        for channel in self.sockets.pop(conversation_id, ()):
            self.sent.pop(channel, None)
            watched = self.watching.get(channel, set())
            watched.discard(conversation_id)
            if not watched:
                self.watching.pop(channel, None)

    def _listen(self) -> None:
        if self.listener is None or self.listener.done():
            self.listener = asyncio.ensure_future(self._hear_changes())

    async def _join(self) -> None:
        if self.channel is None:
            return
        try:
            await get_channel_layer().group_add(GROUP, self.channel)
        except Exception:
            log.exception("could not join %s", GROUP)

    async def _hear_changes(self) -> None:
        """One channel per process in the group: each change anywhere is one event here, whatever the sockets."""
        layer = get_channel_layer()
        self.channel = await layer.new_channel("waiting.")
        await self._join()
        self.joined_at = time.monotonic()
        while True:
            await layer.receive(self.channel)
            self.request()


_boards = PerLoop(Board)


def board() -> Board:
    return _boards.get()
