"""How a message is numbered and stored: one UPDATE takes the conversation's next number(s) and locks its row, and
the INSERT of the message rides in the same statement on PostgreSQL (two statements on SQLite). Every message goes
through _store (or _append, in a conversation the caller has locked), which broadcasts it after the commit.
Private to chat's services and chat.attachments.services; callers post through chat.services.messages.
"""

import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from chat import broadcast
from chat.models import Conversation, Message


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
