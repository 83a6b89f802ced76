"""One fast path for every client (docs/protocol.md: a customer may omit "conversation"), and a first message from
two tabs at the same moment. Real PostgreSQL, the Redis channel layer, the ASGI router."""

import asyncio

import psycopg
import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.db import connection

from chat import services
from chat.models import Conversation, Message
from tests.chat.helpers import agent_socket, send_frame
from tests.chat.helpers import widget_socket as widget_socket_
from tests.conftest import require
from tickets.models import Customer, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


async def widget_socket(**claims):
    return await widget_socket_(timeout=15, **claims)


async def acked(socket, timeout: float = 3) -> dict:
    """The next ack, past the echoes of the customer's own messages and background frames."""
    return await socket.expect("ack", timeout, skip=("message", "queue", "conversation", "typing", "read"))


@pytest.fixture
def full_path_calls(monkeypatch) -> list[dict]:
    """Records each call of the full (ORM, database-thread) path and lets it run as usual."""
    calls: list[dict] = []
    original = services.customer_message_post

    def recorded(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, "customer_message_post", recorded)
    return calls


async def test_a_send_that_omits_the_conversation_takes_the_one_statement_path(alice, full_path_calls):
    customer, _ = await widget_socket()
    await customer.send(send_frame("first words"))
    first = await acked(customer)
    assert len(full_path_calls) == 1, "opening a conversation is the full path's"
    agent, _ = await agent_socket(alice)
    await agent.send({"type": "accept", "conversation": first["conversation"]})
    await agent.expect("conversation")

    for n in range(3):
        await customer.send(send_frame(f"more {n}"))  # no "conversation", as the widget sends
        ack = await acked(customer)
        assert (ack["conversation"], ack["seq"]) == (first["conversation"], first["seq"] + 2 + n)  # after the join line
        delivered = await agent.expect("message")
        assert delivered["body"] == f"more {n}"
    assert len(full_path_calls) == 1, "a send into the open conversation never left the event loop"
    await customer.close()
    await agent.close()


async def test_a_new_socket_knows_the_open_conversation_from_hello(full_path_calls):
    first, _ = await widget_socket()
    await first.send(send_frame("hello"))
    opened = await acked(first)
    await first.close()
    again, welcome = await widget_socket()
    assert welcome["conversation"] == opened["conversation"]
    await again.send(send_frame("back again"))
    ack = await acked(again)
    assert ack["conversation"] == opened["conversation"]
    assert len(full_path_calls) == 1
    await again.close()


async def test_after_the_chat_ends_a_send_without_conversation_opens_a_new_one(full_path_calls):
    customer, _ = await widget_socket()
    await customer.send(send_frame("first chat"))
    old = (await acked(customer))["conversation"]
    await customer.send({"type": "end", "conversation": old})
    ended = await customer.expect("conversation", timeout=15, skip=("message",))  # the survey's words load once
    assert ended["status"] == "ended"
    await customer.send(send_frame("a new question"))
    new = await acked(customer)
    assert new["conversation"] != old and new["seq"] == 1
    await customer.send(send_frame("and more"))
    assert (await acked(customer))["conversation"] == new["conversation"]
    assert len(full_path_calls) == 2, "the remembered conversation had ended: only the opening took the full path"
    statuses = await sync_to_async(lambda: dict(Conversation.objects.values_list("pk", "status")))()
    assert statuses == {old: "ended", new["conversation"]: "waiting"}
    await customer.close()


async def test_a_retry_without_conversation_is_still_answered_with_the_original(full_path_calls):
    customer, _ = await widget_socket()
    frame = send_frame("once only")
    await customer.send(frame)
    first = await acked(customer)
    await customer.send(frame)
    again = await acked(customer)
    assert again == first
    assert await sync_to_async(Message.objects.filter(body="once only").count)() == 1
    await customer.close()


def _dsn() -> dict:
    db = connection.settings_dict
    return {"dbname": db["NAME"], "user": db["USER"] or None, "host": db["HOST"] or None, "port": db["PORT"] or None}


async def _waiting_on_locks(conn: psycopg.AsyncConnection, count: int, timeout: float = 10.0) -> None:
    """Until `count` other sessions of this database wait for a lock (both tabs' transactions are inside)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        await conn.execute("SELECT pg_stat_clear_snapshot()")  # else the view stays as first read in this transaction
        cursor = await conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if (await cursor.fetchone())[0] >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {count} transactions reached the lock")


async def test_two_first_messages_at_the_same_moment_share_one_conversation():
    """Two tabs of one customer send their first message at once. Both transactions are held at the same point
    (after each found no open conversation, before either created one) by a lock on the customer row that the
    test holds, then let go together: both create, the database refuses one, and that one joins the other's."""
    tab_one, _ = await widget_socket(sub="two-tabs")
    tab_two, _ = await widget_socket(sub="two-tabs")
    customer = await Customer.objects.aget(external_id="two-tabs")
    gate = await psycopg.AsyncConnection.connect(**{k: v for k, v in _dsn().items() if v is not None})
    try:
        await gate.execute("BEGIN")
        # A new ticket's foreign key share-locks its customer: each tab's transaction stops there.
        await gate.execute("SELECT id FROM tickets_customer WHERE id = %s FOR UPDATE", [customer.pk])
        await asyncio.gather(tab_one.send(send_frame("from tab one")), tab_two.send(send_frame("from tab two")))
        await _waiting_on_locks(gate, 2)
        await gate.execute("COMMIT")
    finally:
        await gate.close()
    one, two = await acked(tab_one, timeout=10), await acked(tab_two, timeout=10)
    assert one["conversation"] == two["conversation"]
    assert sorted([one["seq"], two["seq"]]) == [1, 2]
    conversations = await sync_to_async(list)(Conversation.objects.filter(customer=customer))
    assert len(conversations) == 1
    bodies = await sync_to_async(list)(
        Message.objects.filter(conversation=conversations[0]).order_by("seq").values_list("body", flat=True)
    )
    assert sorted(bodies) == ["from tab one", "from tab two"]
    assert await Ticket.objects.filter(customer=customer).acount() == 1, "the losing tab's ticket was undone"
    await tab_one.close()
    await tab_two.close()
