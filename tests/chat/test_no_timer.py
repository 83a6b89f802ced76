"""Presence over metrics: nothing time-based ever ends, unassigns or reassigns a conversation."""

import datetime as dt
import uuid

import pytest
import time_machine
from channels.db import database_sync_to_async

from chat import services
from chat.models import Conversation
from helpdesk.celery import app
from tests.chat.helpers import agent_socket, send_frame, widget_socket
from tests.conftest import require


def test_no_periodic_task_is_scheduled():
    assert not app.conf.beat_schedule


def test_no_task_touches_conversations():
    """No Celery task may change a conversation's status or assignee (only people do, through services)."""
    import inspect

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
