"""chat.services.customer_message_store: a customer's message stored from the event loop (chat.loopdb), and
its fall-backs to the full path. Real PostgreSQL, real commits (the loop's connection is not the test's)."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

from chat import broadcast, loopdb, services
from chat.models import Conversation, Message

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


async def queue_frames(layer, channel, quiet=1.0) -> list[dict]:
    """The queue frames that reach an agent's channel until none has come for `quiet` seconds."""
    frames = []
    reader = asyncio.ensure_future(_read_into(layer, channel, frames))
    seen = -1
    while seen != len(frames):
        seen = len(frames)
        await asyncio.sleep(quiet)
    reader.cancel()
    return [event["frame"] for event in frames if event["type"] == "chat.queue"]


async def _read_into(layer, channel, got: list) -> None:
    while True:
        got.append(await layer.receive(channel))


async def test_a_waiting_conversation_also_refreshes_the_queue(customer):
    conversation = await open_conversation(customer)
    layer = get_channel_layer()
    agent_channel = await layer.new_channel()
    await layer.group_add(broadcast.AGENTS, agent_channel)
    await store(customer, conversation.pk, body="still waiting")
    frames = await queue_frames(layer, agent_channel)
    assert len(frames) == 1
    assert any(row.get("preview") == "still waiting" for row in frames[0]["conversations"])


async def test_a_surge_of_waiting_customers_rebuilds_the_queue_a_few_times_not_once_each(customer, other_customer):
    """Hundreds of waiting customers writing at once (an outage) must not rebuild the queue once per message;
    the last frame still shows every change."""
    conversations = [await open_conversation(customer), await open_conversation(other_customer)]
    layer = get_channel_layer()
    agent_channel = await layer.new_channel()
    await layer.group_add(broadcast.AGENTS, agent_channel)
    owners = [customer, other_customer]
    await asyncio.gather(*(store(owners[n % 2], conversations[n % 2].pk, body=f"message {n}") for n in range(40)))
    frames = await queue_frames(layer, agent_channel)
    assert 1 <= len(frames) <= 5, f"{len(frames)} rebuilds for 40 changes"
    latest = {row["id"]: row["preview"] for row in frames[-1]["conversations"]}
    for conversation in conversations:
        last = await Message.objects.filter(conversation_id=conversation.pk).order_by("-staff_seq").afirst()
        assert latest[conversation.pk] == last.body, "the last frame is as new as the last change"


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


async def test_a_broken_loop_connection_costs_no_message(customer, alice):
    """PostgreSQL restarts (or a proxy cuts the loop's connections): the next message is stored all the same, on a
    fresh connection, exactly once."""
    conversation = await open_conversation(customer, alice)
    assert (await store(customer, conversation.pk)).created
    await database_sync_to_async(_terminate_loop_connections)()  # as when PostgreSQL restarts
    posted = await store(customer, conversation.pk, body="after the restart")
    assert posted.created
    assert await Message.objects.filter(conversation_id=conversation.pk, body="after the restart").acount() == 1
    await loopdb.close_all()


async def test_an_idle_loop_connection_is_checked_before_use(customer, alice, monkeypatch):
    monkeypatch.setattr(loopdb, "CHECK_AFTER_IDLE_SECONDS", 3600)  # not yet idle: no check, just store
    conversation = await open_conversation(customer, alice)
    assert (await store(customer, conversation.pk)).created
    await database_sync_to_async(_terminate_loop_connections)()
    monkeypatch.setattr(loopdb, "CHECK_AFTER_IDLE_SECONDS", -1)  # every connection counts as idle: pinged first
    assert (await store(customer, conversation.pk)).created
    stats = (await loopdb._pool()).get_stats()
    assert stats.get("connections_lost", 0) >= 1, f"the check found the dead connection before the statement: {stats}"
    await loopdb.close_all()


def _terminate_loop_connections() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [loopdb.APPLICATION_NAME],
        )
        assert cursor.fetchone()[0] >= 1
