"""What both sockets share (ChatConsumer): a frame's way in (rate limit, parsing, its handler) and the error frame
for every refusal, groups joined and healed, and gap-free delivery of messages; db(), which runs a query on a
database thread and sends the nudges it committed from the event loop.
"""

import json
import logging

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError

from chat import broadcast, selectors
from chat.consumers.parsing import FrameError, RateLimiter, _encodable, parse_frame
from chat.frames import Audience, error_frame, message_frame
from common.errors import Refusal

log = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


def db(func):
    """Run `func` on a database thread, then send the nudges it committed from the event loop.

    Not thread-sensitive: sockets must not queue behind one another's queries on a single thread. The nudges wait
    for the loop, not the thread: a thread blocked on the loop was what capped the server (docs/BENCHMARKS.md)."""
    run = database_sync_to_async(func, thread_sensitive=False)

    async def call(*args, **kwargs):
        async with broadcast.deferred():
            return await run(*args, **kwargs)

    return call


class ChatConsumer(AsyncWebsocketConsumer):
    """What both sockets share: frame parsing, error frames, rate limits and gap-free delivery."""

    audience = Audience.CUSTOMER
    handlers: dict[str, str] = {}
    language: str | None = None  # staff read the helpdesk's cards and lines in their console's language

    async def dispatch(self, message):
        """Channels closes stale database connections (a thread hop) before every event; our database calls go
        through db(), which already does that around each query, so an event that needs no query costs none."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.delivered: dict[int, int] = {}
        self.groups_joined: set[str] = set()
        self.limiter = RateLimiter(settings.CHAT_RATE_PER_10S)
        await self.accept()

    async def disconnect(self, code):
        joined = getattr(self, "groups_joined", set())  # a socket refused before connect() joined nothing
        for group in list(joined):
            await self.channel_layer.group_discard(group, self.channel_name)
        joined.clear()

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def leave(self, group: str) -> None:
        if group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    async def send_error(self, code: str, detail: str, **extra) -> None:
        await self.send_json(error_frame(code, detail, **extra))

    async def receive(self, text_data=None, bytes_data=None):
        """Every frame, the first one included, spends from the same bucket and meets the same error handling:
        a bad frame gets an error frame and the socket stays open."""
        try:
            if not self.limiter.allow():
                raise FrameError("rate_limited", "too many frames; slow down and retry")
            frame = parse_frame(text_data, bytes_data)
            await getattr(self, self.handler_for(frame["type"]))(frame)
        except Refusal as exc:  # a FrameError, or a ChatError from the services
            await self.send_error(exc.code, exc.detail, **self._echo(text_data))
        except DatabaseError:
            log.exception("database unavailable while handling a frame")
            await self.send_error("unavailable", "could not store that; it is safe to retry", **self._echo(text_data))

    def handler_for(self, frame_type: str) -> str:
        handler = self.handlers.get(frame_type)
        if handler is None:
            raise FrameError("unknown_type", f"unknown frame type {frame_type[:40]!r}")
        return handler

    @staticmethod
    def _echo(text_data: str | None) -> dict:
        """Let a client match an error to the frame it sent (by client_msg_id, when it had one)."""
        try:
            frame = json.loads(text_data or "")
            msg_id = frame.get("client_msg_id") if isinstance(frame, dict) else None
            if isinstance(msg_id, str) and _encodable(msg_id):
                return {"client_msg_id": msg_id[:64]}
        except (ValueError, RecursionError):
            pass
        return {}

    async def heal(self) -> None:
        """On each heartbeat: re-add this socket to its groups and fill any gap from the database.

        A Redis restarted empty forgets every group while redis-py reconnects the socket's blocking read without
        a word, so the socket would stay open and hear nothing again. Adding is idempotent; a replay after the
        last delivered seq sends only what was missed."""
        for group in list(self.groups_joined):
            await self.channel_layer.group_add(group, self.channel_name)
        for conversation_id, delivered in list(self.delivered.items()):
            await self.replay(conversation_id, delivered)

    # --- delivery ---------------------------------------------------------------------------------

    async def replay(self, conversation_id: int, after_seq: int) -> int:
        staff = self.audience == Audience.STAFF
        messages = await db(selectors.messages_after)(conversation_id, after_seq, staff=staff)
        for message in messages:
            await self.send_json(message_frame(message, self.audience, self.language))
        last = messages[-1] if messages else None
        last_seq = (last.staff_seq if staff else last.seq) if last else after_seq
        self.delivered[conversation_id] = max(self.delivered.get(conversation_id, 0), last_seq)
        return last_seq

    async def chat_message(self, event):
        frame = event["frame"]
        conversation_id, seq = frame["conversation"], frame["seq"]
        delivered = self.delivered.get(conversation_id)
        if delivered is None:
            delivered = await self.untracked_conversation(conversation_id)
            if delivered is None:
                await self.send_json(frame)
                return
        if seq <= delivered:
            return
        if seq == delivered + 1:
            self.delivered[conversation_id] = seq
            await self.send_json(frame)
            return
        await self.replay(conversation_id, delivered)  # a nudge was lost or overtaken: read the truth

    async def untracked_conversation(self, conversation_id: int) -> int | None:
        """Where delivery starts for a conversation this socket has not synced; None: forward as is."""
        return None

    async def chat_conversation(self, event):
        await self.send_json(event["frame"])

    async def chat_frame(self, event):
        """A ready-made frame from another app (e.g. recovery's lookup_progress), forwarded as is."""
        await self.send_json(event["frame"])

    async def chat_typing(self, event):
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "conversation": event["conversation"], "active": event["active"]})

    async def chat_read(self, event):
        await self.send_json(
            {"type": "read", "conversation": event["conversation"], "seq": event["seq"], "side": event["side"]}
        )
