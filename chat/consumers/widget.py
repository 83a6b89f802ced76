"""The customer's socket (the widget): no cookies, the first frame carries the exchange's signed token; then
sends (on the one-statement hot path when it applies), resumes, typing, reads, the end, and the customer's place
in the queue while the chat waits."""

from chat import access, broadcast, customer_presence, errors, replies, selectors, services, waiting
from chat.attachments import sending as attachment_sending
from chat.consumers.base import CLOSE_UNAUTHORIZED, ChatConsumer, db
from chat.consumers.parsing import FrameError, int_field, uuid_field
from chat.frames import Audience
from chat.services import ChatError


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
        self.customer = await db(access.customer_hello)(claims)
        self.locale = claims["locale"] or ""
        # Subscribed first, read second: a chat another tab opens in between is in the read or in a frame, never lost.
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
