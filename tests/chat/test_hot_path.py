"""chat.services.customer_message_store: a customer's message stored from the event loop (helpdesk.asyncdb), and
its fall-backs to the full path. Real PostgreSQL, real commits (the loop's connection is not the test's)."""

import uuid

import pytest
from channels.db import database_sync_to_async
from django.db import DatabaseError, connection

from chat import broadcast, services
from chat.models import Conversation, Message
from helpdesk import asyncdb

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def open_conversation(customer, agent=None) -> Conversation:
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="first"
    )
    conversation = posted.message.conversation
    if agent is not None:
        services.conversation_accept(agent=agent, conversation_id=conversation.pk)
    return Conversation.objects.get(pk=conversation.pk)


async def store(customer, conversation_id, client_msg_id=None, body="hello"):
    async with broadcast.deferred():
        return await services.customer_message_store(
            customer=customer, conversation_id=conversation_id, client_msg_id=client_msg_id or uuid.uuid4(), body=body
        )


async def test_it_stores_numbers_and_nudges_like_the_full_path(customer, alice):
    conversation = await open_conversation(customer, alice)
    sent: list = []
    token = broadcast.outbox.set(sent)
    try:
        posted = await services.customer_message_store(
            customer=customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="  on the loop "
        )
    finally:
        broadcast.outbox.reset(token)
    assert posted.created and posted.message.body == "on the loop"
    stored = await Message.objects.aget(pk=posted.message.pk)
    assert (stored.seq, stored.staff_seq) == (conversation.last_seq + 1, conversation.last_staff_seq + 1)
    assert stored.author_role == "customer" and stored.author_name == customer.display_name
    groups = [group for group, _ in sent]
    assert groups == [broadcast.conversation_group(conversation.pk), broadcast.customer_group(customer.pk)]
    assert sent[0][1]["frame"]["seq"] == stored.staff_seq and sent[1][1]["frame"]["seq"] == stored.seq


async def test_a_waiting_conversation_also_refreshes_the_queue(customer):
    conversation = await open_conversation(customer)
    sent: list = []
    token = broadcast.outbox.set(sent)
    try:
        await services.customer_message_store(
            customer=customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="still waiting"
        )
    finally:
        broadcast.outbox.reset(token)
    queue = [event for group, event in sent if group == broadcast.AGENTS]
    assert queue and queue[0]["type"] == "chat.queue"
    assert any(row.get("preview") == "still waiting" for row in queue[0]["frame"]["conversations"])


async def test_what_it_cannot_decide_it_leaves_to_the_full_path(customer, other_customer, alice):
    conversation = await open_conversation(customer, alice)
    assert await store(customer, None) is None  # no conversation yet: opening one is the full path's
    taken = uuid.uuid4()
    first = await store(customer, conversation.pk, taken)
    assert await store(customer, conversation.pk, taken) is None  # a retry: the full path finds the original
    retry = await database_sync_to_async(services.customer_message_post)(
        customer=customer, conversation_id=conversation.pk, client_msg_id=taken, body="hello"
    )
    assert (retry.created, retry.message.pk) == (False, first.message.pk)
    assert await store(other_customer, conversation.pk) is None  # not theirs: no row, no number taken
    await database_sync_to_async(services.conversation_end)(conversation_id=conversation.pk, customer=customer)
    assert await store(customer, conversation.pk) is None  # ended
    fresh = await Conversation.objects.aget(pk=conversation.pk)
    last = await Message.objects.filter(conversation_id=conversation.pk).order_by("-staff_seq").afirst()
    assert fresh.last_staff_seq == last.staff_seq, "refused sends took no number"


async def test_a_broken_loop_connection_is_dropped_not_reused(customer, alice):
    conversation = await open_conversation(customer, alice)
    assert (await store(customer, conversation.pk)).created
    await database_sync_to_async(_terminate_loop_connections)()  # as when PostgreSQL restarts
    with pytest.raises(DatabaseError):
        await store(customer, conversation.pk)
    assert (await store(customer, conversation.pk)).created  # a fresh connection
    await asyncdb.close_all()


def _terminate_loop_connections() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [asyncdb.APPLICATION_NAME],
        )
        assert cursor.fetchone()[0] >= 1
