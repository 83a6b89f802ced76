"""The only place that writes conversations and messages.

Every function commits first and broadcasts after (transaction.on_commit): the database is the truth and the
channel layer is only a nudge. Nothing here is ever called by a timer: a conversation changes hands or ends only
because a person asked for it (docs/chat.md).
"""

import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from chat import broadcast, cards, loopdb, replies, screening, selectors
from chat.models import Conversation, Message, ReadState, Satisfaction
from common.errors import Refusal
from common.safety.asks import asks_for_secret
from tickets import services as tickets_services
from tickets.models import Customer, Ticket, TimelineEvent

Role = TimelineEvent.ActorRole


class ChatError(Refusal):
    """A refusal the client can act on; `code` goes into the error frame."""


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool  # False when a retry found the message already stored


# --- Messages ---------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Numbered:
    seq: int | None
    staff_seq: int
    customer_id: int
    status: str


MESSAGE_COLUMNS = (
    "conversation_id, seq, staff_seq, client_msg_id, kind, author_role, author_id, author_name, body, payload, "
    "renders, created_at"
)


def _numbering_update(
    conversation_id: int, *, public: bool, now, preview: str | None, first_response: bool, guard: dict | None
) -> tuple[str, list]:
    """The UPDATE that takes the next number(s) and locks the row until the commit.

    `guard` adds conditions (customer_id, assignee_id, open): when they do not hold, no row comes back.
    """
    sets = ["last_staff_seq = last_staff_seq + 1", "last_seq = last_seq + %s", "last_message_at = %s"]
    params: list = [1 if public else 0, now]
    if preview is not None:
        sets.append("preview = %s")
        params.append(preview)
    if first_response:
        sets.append("first_response_at = COALESCE(first_response_at, %s)")
        params.append(now)
    where, where_params = ["id = %s"], [conversation_id]
    for column, value in (guard or {}).items():
        if column == "open":
            where.append("status <> %s")
            where_params.append(Conversation.Status.ENDED)
        else:
            where.append(f"{column} = %s")
            where_params.append(value)
    sql = (
        f"UPDATE {Conversation._meta.db_table} SET {', '.join(sets)} WHERE {' AND '.join(where)} "  # noqa: S608
        "RETURNING id, last_seq, last_staff_seq, customer_id, status"
    )
    return sql, params + where_params


@dataclass(frozen=True)
class _Prepared:
    """A message ready to be numbered and inserted: the numbering UPDATE and the row's values."""

    update: tuple[str, list]
    public: bool
    row: dict
    author: User | None


def _prepare(
    conversation_id: int,
    *,
    kind: str,
    author_role: str,
    author: User | None,
    author_name: str,
    body: str,
    client_msg_id: uuid.UUID | None = None,
    payload: dict | None = None,
    renders: dict | None = None,
    guard: dict | None = None,
) -> _Prepared:
    public = kind != Message.Kind.NOTE
    now = timezone.now()
    update = _numbering_update(
        conversation_id,
        public=public,
        now=now,
        preview=body[:140] if author_role == Message.AuthorRole.CUSTOMER and kind == Message.Kind.TEXT else None,
        first_response=author_role == Message.AuthorRole.AGENT and public,
        guard=guard,
    )
    row = {
        "conversation_id": conversation_id,
        "client_msg_id": client_msg_id,
        "kind": kind,
        "author_role": author_role,
        "author_id": author.pk if author else None,
        "author_name": author_name,
        "body": body,
        "payload": payload,
        "renders": renders or None,
        "created_at": now,
    }
    return _Prepared(update, public, row, author)


def _store_statement(prepared: _Prepared) -> tuple[str, list]:
    """Number and insert in ONE statement (PostgreSQL): atomic on its own, one round trip, no BEGIN/COMMIT of
    ours when the caller is in autocommit. This is the hot path of every message (docs/BENCHMARKS.md)."""
    update_sql, update_params = prepared.update
    row = prepared.row
    payload = json.dumps(row["payload"]) if row["payload"] is not None else None
    renders = json.dumps(row["renders"]) if row["renders"] is not None else None
    sql = (
        f"WITH n AS ({update_sql}), "  # noqa: S608 - table names from the models, values as parameters
        f"m AS (INSERT INTO {Message._meta.db_table} ({MESSAGE_COLUMNS}) "
        # Typed placeholders: on a server-side prepared statement an untyped NULL would be read as text.
        "SELECT n.id, CASE WHEN %s::boolean THEN n.last_seq END, n.last_staff_seq, %s::uuid, %s, %s, %s::bigint, "
        "%s, %s, %s::jsonb, %s::jsonb, %s::timestamptz "
        "FROM n RETURNING id) "
        "SELECT m.id, n.last_seq, n.last_staff_seq, n.customer_id, n.status FROM m, n"
    )
    params = [*update_params, prepared.public, row["client_msg_id"], row["kind"], row["author_role"]]
    params += [row["author_id"], row["author_name"], row["body"], payload, renders, row["created_at"]]
    return sql, params


def _number_and_insert(prepared: _Prepared) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(*_store_statement(prepared))
        return cursor.fetchone()


def _number_then_insert(prepared: _Prepared) -> tuple | None:
    """The same in two statements, for SQLite (no UPDATE inside WITH there); the caller holds a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(*prepared.update)
        found = cursor.fetchone()
    if found is None:
        return None
    _, last_seq, last_staff_seq, customer_id, status = found
    numbers = {"seq": last_seq if prepared.public else None, "staff_seq": last_staff_seq}
    message = Message.objects.create(**prepared.row, **numbers)
    return message.pk, last_seq, last_staff_seq, customer_id, status


def _stored(prepared: _Prepared, found: tuple) -> tuple[Message, _Numbered]:
    """The Message and its numbers from the statement's row (no query to read it back)."""
    pk, last_seq, last_staff_seq, customer_id, status = found
    numbered = _Numbered(last_seq if prepared.public else None, last_staff_seq, customer_id, status)
    message = Message(pk=pk, seq=numbered.seq, staff_seq=numbered.staff_seq, **prepared.row)
    if prepared.author is not None:
        message.author = prepared.author
    return message, numbered


def _one_statement():
    """No transaction of our own around a lone _store on PostgreSQL in autocommit (its single statement is
    atomic; BEGIN and COMMIT would be two more round trips per message). Inside a caller's transaction, a
    savepoint, so that a refused insert (a retried client_msg_id) does not abort the caller's work; SQLite
    needs a transaction for its two statements."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic()


def _store(conversation_id: int, **fields) -> tuple[Message, _Numbered] | None:
    """Number and insert one message; broadcast it after the commit. None if `guard` does not hold.

    On PostgreSQL this is a single statement, so it needs no transaction of its own (see _one_statement)."""
    prepared = _prepare(conversation_id, **fields)
    insert = _number_and_insert if connection.vendor == "postgresql" else _number_then_insert
    found = insert(prepared)
    if found is None:
        return None
    message, numbered = _stored(prepared, found)
    waiting = numbered.status == Conversation.Status.WAITING
    transaction.on_commit(lambda: broadcast.message_stored(message, customer_id=numbered.customer_id, waiting=waiting))
    return message, numbered


def _append(conversation: Conversation, **fields) -> Message:
    """Number and store one message in a conversation the caller has locked; keeps the object current."""
    message, numbered = _store(conversation.pk, **fields)
    conversation.last_staff_seq = numbered.staff_seq
    if numbered.seq is not None:
        conversation.last_seq = numbered.seq
    return message


def _locked(conversation_id: int) -> Conversation:
    try:
        return Conversation.objects.select_for_update().select_related("customer").get(pk=conversation_id)
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ChatError("not_found", "no such conversation") from exc


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


# --- Assignment: only ever by a person --------------------------------------------------------------


def conversation_accept(*, agent: User, conversation_id: int) -> Conversation:
    """Claim a waiting conversation. Two agents at once: exactly one wins (a conditional UPDATE)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            pk=conversation_id, status=Conversation.Status.WAITING, assignee__isnull=True
        ).update(status=Conversation.Status.ACTIVE, assignee=agent, accepted_at=now, offered_to=None)
        if claimed != 1:
            conversation = Conversation.objects.filter(pk=conversation_id).first()
            if conversation is None:
                raise ChatError("not_found", "no such conversation")
            if conversation.assignee_id == agent.pk:
                return conversation  # a retried accept
            raise ChatError("already_taken", "another agent has already accepted this conversation")
        conversation = Conversation.objects.select_related("customer", "assignee").get(pk=conversation_id)
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.accepted",
            actor=agent,
            conversation_id=conversation.pk,
            data={"agent": agent.display_name, "agent_id": agent.pk},
        )
        tickets_services.ticket_assign_if_unassigned(ticket=conversation.ticket, agent=agent)
        name = agent.display_name
        system_message_post(conversation_id=conversation.pk, **cards.posted(conversation, lambda: cards.joined(name)))
        _after_assignment_change(conversation)
    return conversation


def conversation_transfer(*, agent: User, conversation_id: int, to_agent_id: int, note: str) -> Conversation:
    """A voluntary hand-off, always with a note; the receiving agent sees the note and the whole history."""
    note = (note or "").strip()
    if not note:
        raise ChatError("note_required", "say a few words to the next agent about where things stand")
    target = User.objects.filter(pk=to_agent_id, is_active=True).first()
    if target is None or not target.is_agent:
        raise ChatError("bad_target", "no such agent")
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversation.is_open:
            raise ChatError("conversation_ended", "this conversation has ended")
        if conversation.assignee_id != agent.pk:
            raise ChatError("not_assignee", "only the agent holding the chat can hand it off")
        if target.pk == agent.pk:
            raise ChatError("bad_target", "this chat is already yours")
        _reassign_locked(conversation, to=target, by=agent, kind="chat.transferred", note=note)
    return conversation


def conversation_reassign(
    *, supervisor: User, conversation_id: int, to_agent_id: int, reason: str = ""
) -> Conversation:
    """A supervisor moves a chat by hand. Recorded with who, when and why."""
    if not supervisor.is_supervisor:
        raise ChatError("forbidden", "only supervisors may reassign a chat")
    target = User.objects.filter(pk=to_agent_id, is_active=True).first()
    if target is None or not target.is_agent:
        raise ChatError("bad_target", "no such agent")
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversation.is_open:
            raise ChatError("conversation_ended", "this conversation has ended")
        _reassign_locked(conversation, to=target, by=supervisor, kind="chat.reassigned", note=reason.strip())
    return conversation


def _reassign_locked(conversation: Conversation, *, to: User, by: User, kind: str, note: str) -> None:
    previous = conversation.assignee
    conversation.assignee = to
    conversation.status = Conversation.Status.ACTIVE
    conversation.accepted_at = conversation.accepted_at or timezone.now()
    conversation.offered_to = None
    conversation.save(update_fields=["assignee", "status", "accepted_at", "offered_to"])
    tickets_services.event_record(
        ticket=conversation.ticket,
        kind=kind,
        actor=by,
        conversation_id=conversation.pk,
        data={
            "from_agent": previous.display_name if previous else None,
            "from_agent_id": previous.pk if previous else None,
            "to_agent": to.display_name,
            "to_agent_id": to.pk,
            "note": note,
        },
    )
    tickets_services.ticket_follow_chat(ticket=conversation.ticket, previous=previous, to=to, actor=by)
    if note:
        label = "Hand-off note" if kind == "chat.transferred" else "Reassigned by a supervisor"
        _append(
            conversation,
            kind=Message.Kind.NOTE,
            author_role=Message.AuthorRole.AGENT,
            author=by,
            author_name=by.display_name,
            body=f"{label} for {to.display_name}: {note}",
        )
    _append(
        conversation,
        kind=Message.Kind.SYSTEM,
        author_role=Message.AuthorRole.SYSTEM,
        author=None,
        author_name="Helpdesk",
        **cards.posted(conversation, lambda: cards.joined(to.display_name)),
    )
    previous_id = previous.pk if previous else None
    transaction.on_commit(lambda: broadcast.assignment_changed(conversation.pk, previous_id))


def _after_assignment_change(conversation: Conversation) -> None:
    conversation_id = conversation.pk
    transaction.on_commit(lambda: broadcast.assignment_changed(conversation_id, None))


def conversation_end(
    *, conversation_id: int, agent: User | None = None, customer: Customer | None = None
) -> Conversation:
    """Only the conversation's agent (or a supervisor) or its customer ends it."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if customer is not None and conversation.customer_id != customer.pk:
            raise ChatError("not_found", "no such conversation")
        if agent is not None and conversation.assignee_id != agent.pk and not agent.is_supervisor:
            raise ChatError("not_assignee", "only the agent holding the chat can end it")
        if not conversation.is_open:
            return conversation
        by_role = Role.CUSTOMER if customer is not None else tickets_services.actor_role_of(agent)
        conversation.status = Conversation.Status.ENDED
        conversation.ended_at = timezone.now()
        conversation.ended_by = by_role
        conversation.save(update_fields=["status", "ended_at", "ended_by"])
        who = customer.display_name if customer is not None else agent.display_name
        _append(
            conversation,
            kind=Message.Kind.SYSTEM,
            author_role=Message.AuthorRole.SYSTEM,
            author=None,
            author_name="Helpdesk",
            **cards.posted(conversation, lambda: cards.ended(who, by_role)),
        )
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.ended",
            actor=agent,
            actor_role=by_role,
            conversation_id=conversation.pk,
        )
        _append(
            conversation,
            kind=Message.Kind.CARD,
            author_role=Message.AuthorRole.SYSTEM,
            author=None,
            author_name="Helpdesk",
            **cards.posted(conversation, lambda: cards.survey(conversation)),
        )
        was_waiting_queue = conversation.assignee_id is None
        transaction.on_commit(lambda: broadcast.conversation_changed(conversation.pk))
        if was_waiting_queue:
            transaction.on_commit(broadcast.queue_changed)
            transaction.on_commit(broadcast.waiting_changed)
    return conversation


# --- Read state -------------------------------------------------------------------------------------


def read_mark(*, conversation: Conversation, seq: int, agent: User | None = None) -> int:
    """Remember the last message a side has read; it only moves forward. Returns the stored value."""
    limit = conversation.last_staff_seq if agent else conversation.last_seq
    seq = max(0, min(int(seq), limit))
    state, _ = ReadState.objects.get_or_create(conversation=conversation, agent=agent)
    if seq > state.last_read_seq:
        ReadState.objects.filter(pk=state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        state.last_read_seq = seq
        transaction.on_commit(lambda: broadcast.read_changed(conversation.pk, seq, by_customer=agent is None))
    return state.last_read_seq


def offer_to(*, conversation_id: int, agent_id: int) -> bool:
    """Mark a waiting chat as offered to one agent. An offer never assigns; anyone may still accept."""
    updated = Conversation.objects.filter(
        pk=conversation_id, status=Conversation.Status.WAITING, assignee__isnull=True
    ).update(offered_to_id=agent_id)
    return updated == 1


def offer_least_loaded(conversation_id: int) -> int | None:
    """Invite the least-loaded online agent under capacity to a new waiting chat (HELPDESK_AUTO_OFFER).

    Informational only: the chat stays in the queue for everyone and is never assigned by this.
    """
    if not settings.CHAT_AUTO_OFFER:
        return None
    agent = selectors.least_loaded_online_agent()
    if agent is None or not offer_to(conversation_id=conversation_id, agent_id=agent.pk):
        return None
    broadcast.offered(conversation_id, agent.pk)
    return agent.pk


def satisfaction_record(*, customer: Customer, conversation_id: int, answer: str, comment: str = "") -> Satisfaction:
    """Store the customer's "Did you feel heard?" answer; answering again replaces the first answer."""
    if answer not in Satisfaction.Answer.values:
        raise ChatError("bad_answer", "answer yes, partly or no")
    screened = screening.customer_text((comment or "").strip()[: settings.CHAT_MAX_BODY])
    comment = screened.body
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.customer_id != customer.pk:
            raise ChatError("not_found", "no such conversation")
        if conversation.is_open:
            raise ChatError("still_open", "the question comes when the chat has ended")
        rating, _ = Satisfaction.objects.update_or_create(
            conversation=conversation, defaults={"answer": answer, "comment": comment}
        )
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.satisfaction",
            actor_role=Role.CUSTOMER,
            conversation_id=conversation.pk,
            data={"answer": answer, "comment": comment},
        )
        if screened.kinds:
            secret_warning_post(conversation_id=conversation.pk, kinds=screened.kinds)
    return rating


def conversation_ticket_move(*, conversation_id: int, ticket: Ticket, actor: User | None) -> Conversation:
    """Move a chat to another ticket of the same customer; both tickets' timelines say so, and the staff watching
    the chat are told its ticket (the console's sidebar follows)."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.customer_id != ticket.customer_id:
            raise ChatError("forbidden", "a chat can only be linked to a ticket of the same customer")
        old_ticket_id = conversation.ticket_id
        if old_ticket_id == ticket.pk:
            return conversation
        conversation.ticket = ticket
        conversation.save(update_fields=["ticket"])
        tickets_services.ticket_conversation_moved(
            conversation_id=conversation_id, from_ticket_id=old_ticket_id, to_ticket=ticket, actor=actor
        )
        transaction.on_commit(lambda: broadcast.conversation_changed(conversation_id))
    return conversation
