"""Messages posted into a conversation: a customer's (and the first one, which opens the conversation and its
ticket), an agent's reply or note, the helpdesk's own system lines and cards, and the warnings about secrets and
look-alike links. A send carries a client_msg_id: a retry of a message already stored answers with the original
(Posted.created is False) instead of storing it twice.
"""

import uuid

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from chat import broadcast, cards, loopdb, replies, screening
from chat.models import Conversation, Message
from chat.services.numbering import _Numbered, _one_statement, _prepare, _store, _store_statement, _stored
from chat.services.offers import offer_least_loaded
from chat.services.shared import ChatError, Posted, Role
from common.safety.asks import asks_for_secret
from tickets import services as tickets_services
from tickets.models import Customer


def _check_body(body: str, kind: str) -> str:
    if not isinstance(body, str):
        raise ChatError("bad_body", "body must be a string")
    body = body.replace("\x00", "").strip()
    if not body and kind != Message.Kind.CARD:
        raise ChatError("empty_body", "a message needs some text")
    if len(body) > settings.CHAT_MAX_BODY:
        raise ChatError("too_long", f"a message may hold at most {settings.CHAT_MAX_BODY} characters")
    return body


def _existing(client_msg_id: uuid.UUID | None) -> Message | None:
    if client_msg_id is None:
        return None
    return Message.objects.select_related("conversation").filter(client_msg_id=client_msg_id).first()


def _same_sender(message: Message, *, customer: Customer | None, agent: User | None) -> bool:
    if customer is not None:
        return message.author_role == Message.AuthorRole.CUSTOMER and message.conversation.customer_id == customer.pk
    return message.author_id == (agent.pk if agent else None)


def customer_message_post(
    *, customer: Customer, conversation_id: int | None, client_msg_id: uuid.UUID, body: str, locale: str = ""
) -> Posted:
    """A customer sends. With no open conversation, the first message opens one (and its ticket).

    A wallet secret in the words is removed before anything is stored (chat.screening); the customer then reads a
    warning card in the same transaction."""
    screened = screening.customer_text(_check_body(body, Message.Kind.TEXT))
    body = screened.body
    fields = {
        "kind": Message.Kind.TEXT,
        "author_role": Message.AuthorRole.CUSTOMER,
        "author": None,
        "author_name": customer.display_name,
        "body": body,
        "client_msg_id": client_msg_id,
    }
    guard = {"customer_id": customer.pk, "open": True}
    try:
        if conversation_id is None:
            with transaction.atomic():
                conversation_id = _open_conversation_locked(customer, locale=locale, first_words=body).pk
                stored = _store(conversation_id, guard=guard, **fields)
                _warn_if_redacted(stored, screened.kinds)
        else:
            with transaction.atomic() if screened.kinds else _one_statement():
                stored = _store(conversation_id, guard=guard, **fields)
                _warn_if_redacted(stored, screened.kinds)
    except IntegrityError:
        stored = None  # the client_msg_id is taken: a retry of a message already stored (checked below)
    if stored is not None:
        return Posted(stored[0], created=True)
    return _retry_or_refusal(client_msg_id, customer=customer, agent=None, conversation_id=conversation_id)


async def customer_message_store(
    *, customer: Customer, conversation_id: int | None, client_msg_id: uuid.UUID, body: str
) -> Posted | None:
    """The hot path of the customer's socket: a message into their open conversation, as the same one statement,
    run from the event loop on chat.loopdb (no thread hop). None when this path does not apply — no
    conversation yet, a retry or a refusal, not PostgreSQL: then call customer_message_post, which decides.

    Broadcasts like _store (this statement committed on its own); the caller sends them (chat.broadcast.outbox).
    """
    if conversation_id is None or not loopdb.available():
        return None
    body = _check_body(body, Message.Kind.TEXT)
    screened = screening.customer_text(body)
    if screened.kinds:
        return None  # a secret to remove and a warning to post: the full path does both in one transaction
    body = screened.body  # a marker the customer typed, disarmed
    prepared = _prepare(
        conversation_id,
        kind=Message.Kind.TEXT,
        author_role=Message.AuthorRole.CUSTOMER,
        author=None,
        author_name=customer.display_name,
        body=body,
        client_msg_id=client_msg_id,
        guard={"customer_id": customer.pk, "open": True},
    )
    try:
        found = await loopdb.fetchone(*_store_statement(prepared))
    except IntegrityError:
        return None  # the client_msg_id is taken: customer_message_post tells a retry from a clash
    if found is None:
        return None
    message, numbered = _stored(prepared, found)
    if numbered.status == Conversation.Status.WAITING:
        # The queue shows the customer's latest words: rebuilding it reads the database, on a thread.
        await database_sync_to_async(broadcast.message_stored, thread_sensitive=False)(
            message, customer_id=numbered.customer_id, waiting=True
        )
    else:
        broadcast.message_stored(message, customer_id=numbered.customer_id, waiting=False)
    return Posted(message, created=True)


def _retry_or_refusal(
    client_msg_id: uuid.UUID | None, *, customer: Customer | None, agent: User | None, conversation_id: int
) -> Posted:
    """A send that could not be stored: either it is a retry (answer with the original) or say why not."""
    if (found := _existing(client_msg_id)) is not None:
        if _same_sender(found, customer=customer, agent=agent):
            return Posted(found, created=False)
        raise ChatError("duplicate_id", "this client_msg_id belongs to another message")
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or (customer is not None and conversation.customer_id != customer.pk):
        raise ChatError("not_found", "no such conversation")
    if not conversation.is_open:
        raise ChatError("conversation_ended", "this conversation has ended; send without one to start anew")
    if agent is not None and conversation.assignee_id != agent.pk:
        raise ChatError("not_assignee", "accept this conversation before replying to the customer")
    raise ChatError("unavailable", "could not store that; it is safe to retry")


def agent_message_post(
    *, agent: User, conversation_id: int, client_msg_id: uuid.UUID | None, body: str, kind: str = Message.Kind.TEXT
) -> Posted:
    """An agent replies, or writes an internal note that only staff will ever see."""
    if kind not in (Message.Kind.TEXT, Message.Kind.NOTE):
        raise ChatError("bad_kind", "kind must be text or note")
    if not agent.is_agent:
        raise ChatError("forbidden", "only staff may write here")
    body = _check_body(body, kind)
    if kind == Message.Kind.TEXT and asks_for_secret(body):
        raise ChatError(
            "asks_for_secret",
            "support never asks for a seed phrase, private key, password or 2FA code, so this message was not sent; "
            "write it without asking for one",
        )
    # Any staff member may leave a note (a supervisor coaching the agent); only the assignee replies.
    guard = {} if kind == Message.Kind.NOTE else {"assignee_id": agent.pk, "open": True}
    try:
        with _one_statement():
            stored = _store(
                conversation_id,
                kind=kind,
                author_role=Message.AuthorRole.AGENT,
                author=agent,
                author_name=agent.display_name,
                body=body,
                client_msg_id=client_msg_id,
                guard=guard,
            )
    except IntegrityError:
        stored = None
    if stored is not None:
        if kind == Message.Kind.TEXT:  # if the customer is away, the exchange hears of it (chat.replies)
            transaction.on_commit(lambda: replies.check_soon(conversation_id), robust=True)
        return Posted(stored[0], created=True)
    return _retry_or_refusal(client_msg_id, customer=None, agent=agent, conversation_id=conversation_id)


def system_message_post(
    *,
    conversation_id: int,
    body: str,
    payload: dict | None = None,
    kind: str = Message.Kind.SYSTEM,
    renders: dict | None = None,
) -> Message:
    """A message from the helpdesk itself (joins, walkthrough cards). Customers see it. `body` and `payload` are
    as the customer reads them; `renders` the same in each other language staff may read (chat.cards.posted)."""
    with _one_statement():
        stored = _store(
            conversation_id,
            kind=kind,
            author_role=Message.AuthorRole.SYSTEM,
            author=None,
            author_name="Helpdesk",
            body=body,
            payload=payload,
            renders=renders,
        )
    if stored is None:
        raise ChatError("not_found", "no such conversation")
    return stored[0]


def _warn_if_redacted(stored: tuple[Message, _Numbered] | None, kinds: tuple[str, ...]) -> None:
    """The customer whose secret was just removed reads, at once, what it means and what to do."""
    if stored is not None and kinds:
        secret_warning_post(conversation_id=stored[0].conversation_id, kinds=kinds)


def _customer_language(conversation_id: int) -> str:
    """The language the customer of this conversation reads (the chat's, else their own), as stored."""
    found = Conversation.objects.filter(pk=conversation_id).values_list("locale", "customer__locale").first()
    return next((code for code in found or () if code), "")


def secret_warning_post(*, conversation_id: int, kinds: tuple[str, ...] | list[str]) -> Message:
    """The card telling a customer that support never asks for their secret and that the wallet is exposed, in the
    conversation's language. Also used by the survey comment and the walkthrough's TXID answer."""
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    built = cards.posted(conversation, lambda: screening.secret_warning(kinds))  # staff read it in their language
    return system_message_post(conversation_id=conversation_id, kind=Message.Kind.CARD, **built)


def lookalike_warning_post(
    *, agent: User, conversation_id: int, host: str, client_msg_id: uuid.UUID | None = None
) -> Posted:
    """The agent's one-click warning about a look-alike link, sent as their reply in the customer's language. Only a
    host that does imitate one of HELPDESK_OFFICIAL_DOMAINS is named: the words are ours, not typed."""
    found = screening.lookalikes_in(host if isinstance(host, str) else "")
    if not found:
        raise ChatError("not_a_lookalike", "this link does not imitate one of our domains")
    body = screening.lookalike_warning(found[0]["host"], found[0]["imitates"], _customer_language(conversation_id))
    return agent_message_post(
        agent=agent, conversation_id=conversation_id, client_msg_id=client_msg_id or uuid.uuid4(), body=body
    )


def _open_conversation_locked(customer: Customer, *, locale: str, first_words: str) -> Conversation:
    """The customer's open conversation, locked; a new one (with its ticket) if there is none.

    Race-safe: two first messages at the same moment (two tabs) both find none and both create one; the database
    lets only one open conversation per customer exist (`one_open_conversation_per_customer`), makes the second
    insert wait for the first commit, then refuses it. The loser undoes its ticket and conversation (a savepoint)
    and joins the winner's conversation, so both messages are stored in one chat."""
    open_one = _open_conversation_for_update(customer)
    if open_one is not None:
        return open_one
    try:
        with transaction.atomic():
            return _conversation_create(customer, locale=locale, first_words=first_words)
    except IntegrityError:
        open_one = _open_conversation_for_update(customer)  # a new statement sees the other tab's commit
        if open_one is None:
            raise
        return open_one


def _open_conversation_for_update(customer: Customer) -> Conversation | None:
    return (
        Conversation.objects.select_for_update()
        .select_related("customer")
        .filter(customer=customer)
        .exclude(status=Conversation.Status.ENDED)
        .first()
    )


def _conversation_create(customer: Customer, *, locale: str, first_words: str) -> Conversation:
    ticket = tickets_services.ticket_create(
        customer=customer, subject=first_words[:80] or "Chat", actor_role=Role.CUSTOMER
    )
    conversation = Conversation.objects.create(
        ticket=ticket,
        customer=customer,
        locale=locale or customer.locale,
        queue_priority=Conversation.QueuePriority.VIP if customer.vip else Conversation.QueuePriority.NORMAL,
    )
    tickets_services.event_record(
        ticket=ticket, kind="chat.started", actor_role=Role.CUSTOMER, conversation_id=conversation.pk
    )
    transaction.on_commit(lambda: broadcast.queue_changed())
    transaction.on_commit(broadcast.waiting_changed)  # a VIP goes ahead of those already waiting
    transaction.on_commit(lambda: offer_least_loaded(conversation.pk))
    return conversation
