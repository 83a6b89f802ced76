"""Presence over metrics: nothing time-based ever ends, unassigns or reassigns a conversation."""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services
from chat.models import Conversation
from helpdesk.celery import app
from tests.chat.helpers import agent_socket, send_frame, widget_socket
from tests.conftest import require

# The only periodic tasks there may be: each sends lost background work to the workers again, and is proven below to
# write no conversation and no ticket. A new periodic task joins this list only with that proof.
ALLOWED_PERIODIC = {"recovery.lookups_sweep", "tickets.deliveries_sweep"}
WRITE = re.compile(r'^(?:UPDATE|INSERT INTO|DELETE FROM) "(\w+)"')


def test_every_periodic_task_is_on_the_allow_list():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= ALLOWED_PERIODIC, scheduled - ALLOWED_PERIODIC
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
    assert scheduled <= set(app.tasks)  # a misspelt name would schedule nothing, silently


@pytest.mark.django_db
def test_the_periodic_tasks_change_no_conversation_and_no_ticket(customer, other_customer, alice, monkeypatch):
    """Everything a sweep could meet (a waiting chat, an accepted one, tickets, a lost lookup in a chat, an overdue
    webhook delivery), days later: the sweeps send the lost work again, and write only those rows."""
    from recovery import services as recovery_services
    from tickets import services as tickets_services
    from tickets import webhooks
    from tickets.models import Ticket

    waiting = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="where is my deposit?"
    ).message.conversation
    active = services.customer_message_post(
        customer=other_customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    ).message.conversation
    services.conversation_accept(agent=alice, conversation_id=active.pk)
    tickets_services.webhook_endpoint_create(url="https://exchange.example/hooks")
    lookup = recovery_services.lookup_start(txid="0x" + "ab" * 32, customer=customer, conversation_id=waiting.pk)
    assert webhooks.WebhookDelivery.objects.filter(status="pending").exists()
    sent: list = []
    monkeypatch.setattr(recovery_services, "_enqueue", sent.append)
    monkeypatch.setattr(webhooks, "_send_tasks", lambda ids, due: sent.extend(ids))

    def people_state():
        conversations = list(Conversation.objects.order_by("pk").values_list("pk", "status", "assignee_id"))
        return conversations, list(Ticket.objects.order_by("pk").values())

    before = people_state()
    app.loader.import_default_modules()
    with (
        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3)),
        CaptureQueriesContext(connection) as queries,
    ):
        for entry in app.conf.beat_schedule.values():
            app.tasks[entry["task"]].apply().get()
    assert people_state() == before
    written = {match[1] for query in queries if (match := WRITE.match(query["sql"]))}
    assert written == {"recovery_lookup", "tickets_webhookdelivery"}
    assert lookup.pk in sent and len(sent) >= 2  # they did their job: the lost lookup and the delivery went again


def test_no_task_touches_conversations():
    """No Celery task may change a conversation's status or assignee (only people do, through services)."""
    import inspect

    app.loader.import_default_modules()  # every app's tasks, not only those imported so far
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        source = inspect.getsource(inspect.getmodule(task.run))
        for forbidden in ("conversation_end", "conversation_reassign", "conversation_transfer", "assignee=None"):
            assert forbidden not in source, f"{name} calls {forbidden}"


@pytest.mark.django_db(transaction=True)
async def test_an_idle_chat_with_its_agent_gone_waits_for_them(alice):
    require("redis", "postgres")
    agent, _ = await agent_socket(alice)
    customer, _ = await widget_socket()
    await customer.send(send_frame("my withdrawal is missing"))
    conversation_id = (await customer.expect("ack", skip=("message", "conversation")))["conversation"]
    await agent.send({"type": "accept", "conversation": conversation_id})
    await agent.expect("conversation", skip=("queue", "offer", "message"))
    await agent.close()  # the agent's connection drops

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=10), tick=True):
        # Ten hours later the customer writes again, into the same chat.
        await customer.send(send_frame("are you still there?", conversation=conversation_id))
        await customer.expect("ack", skip=("message", "conversation"))
        conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation_id)
        assert conversation.status == Conversation.Status.ACTIVE
        assert conversation.assignee_id == alice.pk

        back, welcome = await agent_socket(alice)
        assert [c["conversation"] for c in welcome["conversations"]] == [conversation_id]
        assert welcome["conversations"][0]["unread"] >= 1
        await back.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
        bodies = []
        while (frame := await back.recv())["type"] != "resumed":
            if frame["type"] == "message":
                bodies.append(frame["body"])
        assert "my withdrawal is missing" in bodies and "are you still there?" in bodies
        await back.close()
    await customer.close()


@pytest.mark.django_db
def test_a_waiting_chat_stays_in_the_queue_however_long(customer):
    from chat import selectors

    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello?"
    )
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3)):
        assert [c.pk for c in selectors.queue()] == [posted.message.conversation_id]
        conversation = Conversation.objects.get(pk=posted.message.conversation_id)
        assert conversation.status == Conversation.Status.WAITING
