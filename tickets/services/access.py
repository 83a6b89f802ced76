"""The access log: every staff view of a customer's data, with the chat or ticket of the viewer's behind it, if any
(docs/SECURITY.md, "Customer data nobody browses").

One statement per view: the row and its explanation (the viewer's conversation or ticket with this customer, the
one the view is about first) are found and written by a single INSERT … SELECT, so the console's customer panel,
opened constantly, pays one round trip. Writing here never fails a page: a refused write is logged and the page is
served (inside a caller's transaction, under a savepoint, so the caller's work survives it).
"""

import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from tickets import extensions
from tickets.models import CustomerAccess, Ticket

log = logging.getLogger(__name__)
What = CustomerAccess.What


@dataclass(frozen=True)
class Access:
    """One view to record: whose data, what, and the conversation or ticket it was about (if any)."""

    customer_id: int
    what: str
    ref: str = ""
    conversation_id: int | None = None
    ticket_id: int | None = None


def _statement() -> str:
    access = CustomerAccess._meta.db_table
    conversations = extensions.customer_chats_table()  # chat is a floor above: it registers its table
    tickets = Ticket._meta.db_table
    # COALESCE: "the one this view is about" first, when it is theirs; then their newest.
    return (
        f"INSERT INTO {access} (at, staff_id, customer_id, what, ref, conversation_id, ticket_id, "  # noqa: S608
        "via_conversation_id, via_ticket_id) "
        "SELECT %s, %s, %s, %s, %s, %s, %s, "
        f"(SELECT c.id FROM {conversations} c WHERE c.customer_id = %s AND c.assignee_id = %s "
        "ORDER BY COALESCE(c.id = %s, FALSE) DESC, c.id DESC LIMIT 1), "
        f"(SELECT t.id FROM {tickets} t WHERE t.customer_id = %s AND t.assignee_id = %s "
        "ORDER BY COALESCE(t.id = %s, FALSE) DESC, t.id DESC LIMIT 1)"
    )


def _params(staff_id: int, access: Access, at) -> list:
    return [
        at,
        staff_id,
        access.customer_id,
        access.what,
        access.ref[:80],
        access.conversation_id,
        access.ticket_id,
        access.customer_id,
        staff_id,
        access.conversation_id,
        access.customer_id,
        staff_id,
        access.ticket_id,
    ]


def customer_access_record(*, staff: User, accesses: Iterable[Access]) -> None:
    """Record views of customers' data by `staff` (one statement; several rows go in one batch). Never raises."""
    rows = [_params(staff.pk, access, timezone.now()) for access in accesses]
    if not rows or staff.pk is None:
        return
    # Inside a caller's transaction a failed INSERT would abort it: a savepoint keeps the caller's work.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            if len(rows) == 1:
                cursor.execute(_statement(), rows[0])
            else:
                cursor.executemany(_statement(), rows)
    except Exception:  # whatever went wrong, the view is served: the failure is logged loudly instead
        log.exception("the access log could not record %d view(s) by staff %s; the page is served", len(rows), staff.pk)


def customer_access(*, staff: User, customer_id: int, what: str, **about) -> None:
    """Record one view (see customer_access_record)."""
    customer_access_record(staff=staff, accesses=[Access(customer_id, what, **about)])
