"""Websocket consumers: parse, authorise, call chat.services, forward. No business rules live here.

Delivery is lossless per socket: the consumer remembers the last seq it delivered for each conversation it has
synced, drops repeats, and fills any gap from the database before forwarding (the channel layer may drop or
reorder nudges; PostgreSQL may not).
"""

import json
import logging
import time
import uuid
from urllib.parse import urlparse

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError

from accounts.services import sessions as staff_sessions
from chat import access, broadcast, customer_presence, errors, replies, selectors, services, waiting
from chat.attachments import sending as attachment_sending
from chat.frames import Audience, error_frame, for_reader, message_frame
from chat.services import ChatError
from common.errors import Refusal

log = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
QUEUE_MAX_OFFSET = 1_000_000
SEEN_EVERY_S = 15  # at most one "still here" write per agent socket (heartbeats come every 20 s)


def db(func):
    """Run `func` on a database thread, then send the nudges it committed from the event loop.

    Not thread-sensitive: sockets must not queue behind one another's queries on a single thread. The nudges wait
    for the loop, not the thread: a thread blocked on the loop was what capped the server (docs/BENCHMARKS.md)."""
    run = database_sync_to_async(func, thread_sensitive=False)

    async def call(*args, **kwargs):
        async with broadcast.deferred():
            return await run(*args, **kwargs)

    return call


class FrameError(Refusal):
    """A frame refused before any service saw it (not JSON, too fast, too large)."""


class RateLimiter:
    """A token bucket: `rate` frames per `per` seconds, with bursts up to `rate`."""

    def __init__(self, rate: int, per: float = 10.0):
        self.capacity = float(rate)
        self.tokens = float(rate)
        self.refill = rate / per
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.refill)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def parse_frame(text_data: str | None, bytes_data: bytes | None) -> dict:
    if text_data is None:
        raise FrameError("bad_frame", "send JSON text frames")
    # A body of CHAT_MAX_BODY characters may arrive \u-escaped: up to 12 characters each (surrogate pairs).
    if len(text_data) > settings.CHAT_MAX_BODY * 12 + 1024:
        raise FrameError("too_long", "frame too large")
    try:
        frame = json.loads(text_data, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        raise FrameError("bad_json", "the frame is not valid JSON") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("bad_frame", 'a frame is a JSON object with a "type"')
    if not _encodable(frame):
        raise FrameError("bad_frame", "the frame holds invalid unicode (a lone surrogate escape)")
    return frame


def _not_json(constant: str):
    """Python's json reads NaN and Infinity; JSON has neither (and int(Infinity) raises)."""
    raise ValueError(f"{constant} is not JSON")


def _encodable(value) -> bool:
    """A \\ud800 escape decodes to a lone surrogate that PostgreSQL and the socket's UTF-8 cannot carry."""
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


def int_field(frame: dict, name: str, *, required: bool = True, default: int | None = None) -> int | None:
    value = frame.get(name, default)
    if value is None:
        if required:
            raise FrameError("bad_frame", f'"{name}" is required')
        return None
    if isinstance(value, bool):
        raise FrameError("bad_frame", f'"{name}" must be an integer')
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: JSON's Infinity
        raise FrameError("bad_frame", f'"{name}" must be an integer') from exc
    if number < 0 or number > 2**62:
        raise FrameError("bad_frame", f'"{name}" is out of range')
    return number


def uuid_field(frame: dict, name: str, *, required: bool = True) -> uuid.UUID | None:
    value = frame.get(name)
    if value is None and not required:
        return None
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise FrameError("bad_frame", f'"{name}" must be a UUID') from exc


def str_field(frame: dict, name: str, default: str = "") -> str:
    value = frame.get(name, default)
    if not isinstance(value, str):
        raise FrameError("bad_frame", f'"{name}" must be a string')
    if "\x00" in value:  # PostgreSQL text cannot hold it (a transfer note would fail as "unavailable")
        raise FrameError("bad_frame", f'"{name}" must not contain NUL characters')
    return value


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


class WidgetConsumer(ChatConsumer):
    """The customer's socket. No cookies: the first frame carries the exchange's signed token."""

    audience = Audience.CUSTOMER
    handlers = {
        "hello": "on_hello",
        "send": "on_send",
        "resume": "on_resume",
        "typing": "on_typing",
        "read": "on_read",
        "end": "on_end",
        "ping": "on_ping",
    }

    async def connect(self):
        self.customer = None
        self.locale = ""
        # The customer's open conversation as this socket last knew it: a send that omits "conversation" takes the
        # one-statement path into it (the statement's guard checks it is still theirs and open).
        self.open_conversation_id: int | None = None
        self.shown_to_board: set[int] = set()  # conversations the waiting board has been asked about (chat.waiting)
        self.unread_replies: set[int] = set()  # conversations with an agent's reply delivered here and not read
        await super().connect()

    async def disconnect(self, code):
        waiting.board().forget(self.channel_name)
        if self.customer is not None:
            left = await db(customer_presence.socket_closed)(self.customer.pk)
            for conversation_id in self.unread_replies if left == 0 else ():
                await db(replies.check_soon)(conversation_id)  # they left with a reply unread (chat.replies)
        await super().disconnect(code)

    async def send_json(self, frame: dict) -> None:
        if frame.get("type") == "message":
            if frame.get("kind") == "text" and frame["author"]["role"] == "agent":
                self.unread_replies.add(frame["conversation"])  # delivered, not yet read
            # A chat opened elsewhere (the wrong-network chip over HTTP, another tab) may wait too.
            self.wait_in_line(frame["conversation"])
        await super().send_json(frame)

    def wait_in_line(self, conversation_id: int, *, again: bool = False) -> None:
        """While this conversation waits, tell this socket its place in the queue (the board knows whether it
        waits: a conversation is asked about once per socket, or again on a resume)."""
        if again or conversation_id not in self.shown_to_board:
            self.shown_to_board.add(conversation_id)
            waiting.board().watch(self.channel_name, conversation_id)

    async def send_error(self, code: str, detail: str, **extra) -> None:
        # The widget shows `detail` to the customer: say it in the socket's language (chat/errors.py).
        locale = self.locale or (self.customer.locale if self.customer else "")
        await super().send_error(code, errors.error_detail(code, detail, locale), **extra)

    def handler_for(self, frame_type: str) -> str:
        if self.customer is None and frame_type != "hello":
            raise FrameError("hello_required", 'the first frame must be {"type":"hello","token":...}')
        return super().handler_for(frame_type)

    async def on_hello(self, frame):
        if self.customer is not None:
            raise FrameError("already_hello", "this socket has already said hello")
        after_seq = int_field(frame, "after_seq", required=False, default=0)
        try:
            claims = access.verify_widget_token(frame.get("token"))
        except access.TokenError as exc:
            await self.send_error("unauthorized", str(exc))
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.customer = await db(access.customer_from_claims)(claims)
        self.locale = claims["locale"] or ""
        await db(customer_presence.socket_opened)(self.customer.pk)
        await self.join(broadcast.customer_group(self.customer.pk))
        conversation = await db(selectors.open_conversation_for)(self.customer)
        self.open_conversation_id = conversation.pk if conversation else None
        last_seq = conversation.last_seq if conversation else 0
        await self.send_json(
            {
                "type": "welcome",
                "conversation": conversation.pk if conversation else None,
                "last_seq": last_seq,
                "customer": {"name": self.customer.display_name, "locale": self.customer.locale or None},
            }
        )
        if conversation is not None:
            self.shown_to_board.add(conversation.pk)  # its status is known here: no need to ask the board
            await self.replay(conversation.pk, after_seq)
            if conversation.status == conversation.Status.WAITING:
                self.wait_in_line(conversation.pk, again=True)

    async def untracked_conversation(self, conversation_id):
        return 0  # only this customer's conversations reach this socket's group

    async def _own(self, frame, *, required: bool = True) -> int | None:
        conversation_id = int_field(frame, "conversation", required=False)
        if conversation_id is None:
            if not required:
                return None
            conversation = await db(selectors.open_conversation_for)(self.customer)
            if conversation is None:
                raise ChatError("not_found", "no open conversation")
            return conversation.pk
        if not await db(access.customer_owns)(self.customer, conversation_id):
            raise ChatError("not_found", "no such conversation")
        return conversation_id

    async def on_send(self, frame):
        if frame.get("attachments"):  # with files: the ORM path (chat/attachments/); text stays on the hot path
            await self.send_json(await db(attachment_sending.customer_send)(self.customer, frame, self.locale))
            return
        kind = frame.get("kind", "text")
        if kind != "text":
            raise FrameError("forbidden", "customers send text messages")
        client_msg_id = uuid_field(frame, "client_msg_id")
        named = int_field(frame, "conversation", required=False)
        fields = {"customer": self.customer, "client_msg_id": client_msg_id, "body": frame.get("body")}
        target = named if named is not None else self.open_conversation_id
        async with broadcast.deferred():
            posted = await services.customer_message_store(**fields, conversation_id=target)
        if posted is None:  # a new conversation, a retry or a refusal: the full path decides
            posted = await db(services.customer_message_post)(**fields, conversation_id=named, locale=self.locale)
        message = posted.message
        if posted.created:
            self.open_conversation_id = message.conversation_id  # stored there, so it is open and theirs
        await self.send_json(
            {
                "type": "ack",
                "conversation": message.conversation_id,
                "client_msg_id": str(client_msg_id),
                "seq": message.seq,
            }
        )
        self.wait_in_line(message.conversation_id)  # the first message of a new chat: it waits in the queue

    async def on_resume(self, frame):
        conversation_id = await self._own(frame)
        after_seq = int_field(frame, "after_seq", required=False, default=0)
        last_seq = await self.replay(conversation_id, after_seq)
        await self.send_json({"type": "resumed", "conversation": conversation_id, "last_seq": last_seq})
        self.wait_in_line(conversation_id, again=True)

    async def on_typing(self, frame):
        conversation_id = await self._own(frame)
        await self.channel_layer.group_send(
            broadcast.conversation_group(conversation_id),
            {
                "type": "chat.typing",
                "conversation": conversation_id,
                "active": bool(frame.get("active")),
                "sender": self.channel_name,
                "side": "customer",
            },
        )

    async def on_read(self, frame):
        conversation_id = await self._own(frame)
        seq = int_field(frame, "seq")
        await db(access.mark_read)(conversation_id, seq, None)
        if seq >= self.delivered.get(conversation_id, 0):
            self.unread_replies.discard(conversation_id)

    async def on_end(self, frame):
        conversation_id = await self._own(frame)
        await db(services.conversation_end)(conversation_id=conversation_id, customer=self.customer)

    async def on_ping(self, frame):
        await self.heal()
        waiting.board().heal()
        await db(customer_presence.socket_alive)(self.customer.pk)
        await self.send_json({"type": "pong"})

    async def chat_waiting(self, event):
        await self.send_json(event["frame"])


class AgentConsumer(ChatConsumer):
    """The console's socket: session cookie, our own Origin only."""

    audience = Audience.STAFF
    handlers = {
        "send": "on_send",
        "resume": "on_resume",
        "watch": "on_resume",
        "unwatch": "on_unwatch",
        "typing": "on_typing",
        "read": "on_read",
        "accept": "on_accept",
        "transfer": "on_transfer",
        "end": "on_end",
        "presence": "on_presence",
        "queue_page": "on_queue_page",
        "ping": "on_ping",
    }

    async def connect(self):
        self.user = self.scope.get("user")
        self.language = errors.staff_language(self.scope)  # the console page's language, once
        if not self.origin_allowed():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if self.user is None or not self.user.is_authenticated or not self.user.is_agent:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        # Ended, past its hours, or still owing its second step: refused like no session at all.
        staff_session = await db(staff_sessions.staff_session_for_socket)(user=self.user, session=self.scope["session"])
        if staff_session is None:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.session_ends_at = staff_sessions.expires_at(staff_session).timestamp()
        await super().connect()
        self.seen_at = time.monotonic()  # agent_welcome records it
        await self.join(staff_sessions.session_group(staff_session.pk))
        await self.join(broadcast.AGENTS)
        await self.join(broadcast.agent_group(self.user.pk))
        welcome = await db(access.agent_welcome)(self.user)
        for conversation_id in welcome["conversation_ids"]:
            await self.join(broadcast.conversation_group(conversation_id))
        await self.send_json(welcome["frame"])
        await self.send_json(await db(selectors.queue_frame)())

    async def receive(self, text_data=None, bytes_data=None):
        if time.time() >= self.session_ends_at:  # the session's hours are over: no frame after that is handled
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def staff_session_ended(self, event):
        """The staff member ended this session elsewhere, changed a password or a factor, or signed out."""
        await self.close(code=CLOSE_UNAUTHORIZED)

    async def send_error(self, code: str, detail: str, **extra) -> None:
        # The console shows `detail` to the agent (a toast, or "Not sent: …"): say it in the console's language.
        await super().send_error(code, errors.error_detail(code, detail, self.language), **extra)

    def origin_allowed(self) -> bool:
        headers = dict(self.scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if not origin:
            return False
        if origin in settings.AGENT_SOCKET_ORIGINS:
            return True
        return urlparse(origin).netloc == host and urlparse(origin).scheme in {"http", "https"}

    async def _viewable(self, frame) -> int:
        conversation_id = int_field(frame, "conversation")
        if not await db(access.staff_may_view)(self.user, conversation_id):
            raise ChatError("not_found", "no such conversation")
        return conversation_id

    async def on_send(self, frame):
        conversation_id = await self._viewable(frame)
        if frame.get("attachments"):  # with files: chat/attachments/
            await self.send_json(await db(attachment_sending.agent_send)(self.user, conversation_id, frame))
            return
        kind = str_field(frame, "kind", "text")
        client_msg_id = uuid_field(frame, "client_msg_id")
        posted = await db(services.agent_message_post)(
            agent=self.user,
            conversation_id=conversation_id,
            client_msg_id=client_msg_id,
            body=frame.get("body"),
            kind=kind,
        )
        await self.send_json(
            {
                "type": "ack",
                "conversation": conversation_id,
                "client_msg_id": str(client_msg_id),
                "seq": posted.message.staff_seq,
            }
        )

    async def on_resume(self, frame):
        conversation_id = await self._viewable(frame)
        after_seq = int_field(frame, "after_seq", required=False, default=0)
        await self.join(broadcast.conversation_group(conversation_id))
        last_seq = await self.replay(conversation_id, after_seq)
        await self.send_json({"type": "resumed", "conversation": conversation_id, "last_seq": last_seq})

    async def on_unwatch(self, frame):
        conversation_id = int_field(frame, "conversation")
        self.delivered.pop(conversation_id, None)
        if not await db(access.is_assignee)(self.user, conversation_id):
            await self.leave(broadcast.conversation_group(conversation_id))

    async def on_typing(self, frame):
        conversation_id = await self._viewable(frame)
        active = bool(frame.get("active"))
        # Typing in a note must not tell the customer anything.
        if frame.get("kind", "text") == "text" and await db(access.is_assignee)(self.user, conversation_id):
            customer_id = await db(access.customer_id_of)(conversation_id)
            await self.channel_layer.group_send(
                broadcast.customer_group(customer_id),
                {
                    "type": "chat.typing",
                    "conversation": conversation_id,
                    "active": active,
                    "sender": self.channel_name,
                    "side": "agent",
                },
            )

    async def on_read(self, frame):
        conversation_id = await self._viewable(frame)
        await db(access.mark_read)(conversation_id, int_field(frame, "seq"), self.user)

    async def on_accept(self, frame):
        conversation_id = int_field(frame, "conversation")
        await db(services.conversation_accept)(agent=self.user, conversation_id=conversation_id)
        await self.join(broadcast.conversation_group(conversation_id))

    async def on_transfer(self, frame):
        conversation_id = await self._viewable(frame)
        await db(services.conversation_transfer)(
            agent=self.user,
            conversation_id=conversation_id,
            to_agent_id=int_field(frame, "to_agent"),
            note=str_field(frame, "note"),
        )

    async def on_end(self, frame):
        conversation_id = await self._viewable(frame)
        await db(services.conversation_end)(conversation_id=conversation_id, agent=self.user)

    async def on_presence(self, frame):
        status = str_field(frame, "status")
        try:
            await db(access.set_presence)(self.user, status)
        except ValueError as exc:
            raise FrameError("bad_frame", str(exc)) from exc
        await self.send_json({"type": "presence", "status": status})

    async def on_queue_page(self, frame):
        """Another page of the queue, for this socket only; the live frames everyone gets carry the first page."""
        offset = min(int_field(frame, "offset"), QUEUE_MAX_OFFSET)
        await self.send_json(await db(selectors.queue_frame)(offset=offset))

    async def on_ping(self, frame):
        await self.heal()
        if time.monotonic() - self.seen_at >= SEEN_EVERY_S:  # a console still open reads as here, not offline
            self.seen_at = time.monotonic()
            await db(access.agent_seen)(self.user)
        await self.send_json({"type": "pong"})

    async def chat_message(self, event):
        if event.get("renders"):  # a card or line of the helpdesk's: in this reader's language
            event = {**event, "frame": for_reader(event["frame"], event["renders"], self.language)}
        await super().chat_message(event)

    async def chat_frame(self, event):
        await self.send_json(for_reader(event["frame"], event.get("renders"), self.language))

    async def chat_conversation(self, event):
        frame = event["frame"]
        assignee = frame.get("assignee") or {}
        group = broadcast.conversation_group(frame["conversation"])
        if assignee.get("id") == self.user.pk:
            await self.join(group)  # handed to me: follow it even before the console opens it
        await self.send_json(frame)

    async def chat_queue(self, event):
        await self.send_json(event["frame"])

    async def chat_offer(self, event):
        await self.send_json({"type": "offer", "conversation": event["conversation"]})
