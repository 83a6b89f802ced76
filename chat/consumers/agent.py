"""The console's socket (staff): the session cookie, our own Origin only, and a session whose hours are not over;
then sends and notes, watching and resuming chats, typing, reads, accept, hand-off, the end, presence and the
queue's pages. Cards and the helpdesk's lines reach it in the console's language."""

import time
from urllib.parse import urlparse

from django.conf import settings

from accounts.services import sessions as staff_sessions
from chat import access, broadcast, errors, selectors, services
from chat.attachments import sending as attachment_sending
from chat.consumers.base import CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, ChatConsumer, db
from chat.consumers.parsing import FrameError, int_field, str_field, uuid_field
from chat.frames import Audience, for_reader
from chat.services import ChatError

QUEUE_MAX_OFFSET = 1_000_000
SEEN_EVERY_S = 15  # at most one "still here" write per agent socket (heartbeats come every 20 s)


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
