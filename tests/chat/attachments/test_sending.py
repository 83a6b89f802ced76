"""`send` with "attachments" over the real sockets (ASGI router, PostgreSQL, the Redis channel layer)."""

import datetime as dt
import uuid

import pytest
import time_machine
from channels.db import database_sync_to_async as sync_to_async
from django.test import AsyncClient

from chat import services as chat_services
from chat.models import Attachment, Message
from tests.chat.attachments import helpers
from tests.chat.helpers import agent_socket, send_frame, widget_socket, widget_token
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

WIRE_KEYS = {"id", "name", "size", "content_type", "url", "thumbnail_url"}


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


upload = sync_to_async(helpers.upload)
open_chat = sync_to_async(helpers.open_chat)


def bearer_header(sub: str = "cust-1") -> dict:
    return {"Authorization": f"Bearer {widget_token(sub)}"}


def with_files(attachments, body="", **fields) -> dict:
    frame = send_frame(body, **fields)
    frame["attachments"] = [str(a.pk) if isinstance(a, Attachment) else a for a in attachments]
    return frame


async def test_a_customer_sends_files_before_any_conversation_and_both_sides_see_them(customer, alice):
    agent, _ = await agent_socket(alice)
    widget, welcome = await widget_socket()
    assert welcome["conversation"] is None
    wallet = await upload(customer=customer, name="wallet.png")
    statement = await upload(helpers.samples.pdf(), customer=customer, name="statement.pdf")
    frame = with_files([wallet, statement])  # body empty: the files are the message
    await widget.send(frame)
    ack = await widget.expect("ack")
    assert ack["client_msg_id"] == frame["client_msg_id"] and ack["seq"] == 1
    message = await widget.expect("message")
    assert message["body"] == "" and [a["name"] for a in message["attachments"]] == ["wallet.png", "statement.pdf"]
    assert all(set(item) == WIRE_KEYS for item in message["attachments"])
    assert message["attachments"][1]["thumbnail_url"] is None
    stored = await Message.objects.aget(pk__isnull=False, conversation_id=ack["conversation"], seq=1)
    assert [a.pk async for a in Attachment.objects.filter(message=stored).order_by("position")] == [
        wallet.pk,
        statement.pk,
    ]
    await sync_to_async(chat_services.conversation_accept)(agent=alice, conversation_id=ack["conversation"])
    await agent.send({"type": "resume", "conversation": ack["conversation"], "after_seq": 0})
    seen = await agent.expect("message")
    assert [a["id"] for a in seen["attachments"]] == [str(wallet.pk), str(statement.pk)]
    await widget.close()
    await agent.close()


async def test_every_message_frame_carries_attachments_an_empty_list_when_none(customer):
    widget, _ = await widget_socket()
    await widget.send(send_frame("just words"))
    await widget.expect("ack")
    assert (await widget.expect("message"))["attachments"] == []
    await widget.close()
    replayed, _ = await widget_socket()
    assert (await replayed.expect("message"))["attachments"] == []
    await replayed.close()


async def test_a_replay_hands_out_fresh_links_that_the_customer_can_open(customer, settings):
    conversation_id = await open_chat(customer)
    widget, _ = await widget_socket()
    await widget.drain()
    picture = await upload(customer=customer)
    await widget.send(with_files([picture], body="see", conversation=conversation_id))
    await widget.expect("ack")
    live = (await widget.expect("message"))["attachments"][0]
    await widget.close()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.ATTACHMENT_URL_SECONDS * 2)
    with time_machine.travel(later, tick=True):
        assert (await AsyncClient().get(live["url"])).status_code == 403  # the live frame's link has expired
        again, _ = await widget_socket()
        frames = [f for f in await again.drain() if f["type"] == "message" and f["attachments"]]
        fresh = frames[0]["attachments"][0]
        assert fresh["id"] == live["id"] and fresh["url"] != live["url"]
        assert (await AsyncClient().get(fresh["url"])).status_code == 200
        await again.close()


async def test_only_the_senders_own_unsent_files_are_accepted(customer, other_customer):
    theirs = await upload(customer=other_customer)
    mine = await upload(customer=customer)
    widget, _ = await widget_socket()
    refusals = {
        "someone else's": with_files([theirs]),
        "not an id": with_files(["../../etc/passwd"]),
        "unknown": with_files([str(uuid.uuid4())]),
        "eleven": with_files([mine] + [str(uuid.uuid4()) for _ in range(10)]),
        "not a list": {**send_frame(""), "attachments": "x"},
    }
    codes = {}
    for name, frame in refusals.items():
        await widget.send(frame)
        error = await widget.expect("error")
        assert error["client_msg_id"] == frame["client_msg_id"]
        codes[name] = error["code"]
    assert codes == {
        "someone else's": "not_found",
        "not an id": "not_found",
        "unknown": "not_found",
        "eleven": "too_many_attachments",
        "not a list": "bad_frame",
    }
    await widget.send(with_files([mine]))
    await widget.expect("ack")
    await widget.send(with_files([mine]))  # already sent: not the uploader's to send again
    assert (await widget.expect("error", skip=("message", "conversation", "queue")))["code"] == "not_found"
    assert await Message.objects.acount() == 1
    await widget.close()


async def test_a_retried_send_with_files_is_stored_once(customer):
    picture = await upload(customer=customer)
    widget, _ = await widget_socket()
    frame = with_files([picture], body="once")
    await widget.send(frame)
    first = await widget.expect("ack")
    await widget.send(frame)
    second = await widget.expect("ack", skip=("message", "conversation", "queue"))
    assert first == second and await Message.objects.acount() == 1
    await widget.close()


async def test_note_attachments_never_reach_the_customer_socket(customer, alice):
    conversation_id = await open_chat(customer, alice)
    widget, _ = await widget_socket()
    await widget.drain()
    agent, _ = await agent_socket(alice)
    note_file = await upload(staff=alice, conversation_id=conversation_id, name="internal-kyc.png")
    await agent.send(with_files([note_file], body="KYC looks forged", conversation=conversation_id, kind="note"))
    ack = await agent.expect("ack")
    note = await agent.expect("message")
    assert note["kind"] == "note" and note["attachments"][0]["id"] == str(note_file.pk) and ack["seq"] == note["seq"]
    assert await widget.nothing(1.0), "nothing of the note reaches the customer"
    reply_file = await upload(staff=alice, conversation_id=conversation_id, name="how-to.png")
    await agent.send(with_files([reply_file], body="Here is how", conversation=conversation_id))
    await agent.expect("ack")
    reply = await widget.expect("message")
    assert [a["id"] for a in reply["attachments"]] == [str(reply_file.pk)]
    await widget.close()
    replayed, _ = await widget_socket()
    everything = await replayed.drain()
    text = repr(everything)
    assert "KYC" not in text and str(note_file.pk) not in text and "internal-kyc" not in text
    assert str(reply_file.pk) in text
    customer_asks = await AsyncClient().get(f"/chat/attachments/{note_file.pk}/", headers=bearer_header())
    assert customer_asks.status_code == 404
    await replayed.close()
    await agent.close()


async def test_staff_files_go_only_to_the_conversation_they_were_uploaded_for(customer, other_customer, alice):
    first = await open_chat(customer, alice)
    second = await open_chat(other_customer, alice)
    meant_for_first = await upload(staff=alice, conversation_id=first)
    agent, _ = await agent_socket(alice)
    await agent.send(with_files([meant_for_first], body="wrong chat", conversation=second))
    assert (await agent.expect("error"))["code"] == "not_found"
    await agent.close()


async def test_text_sends_stay_on_the_hot_path_and_sends_with_files_leave_it(customer, monkeypatch):
    from chat import services

    calls = []
    real = services.customer_message_store

    async def spy(**kwargs):
        calls.append(kwargs["body"])
        return await real(**kwargs)

    monkeypatch.setattr(services, "customer_message_store", spy)
    conversation_id = await open_chat(customer)
    widget, _ = await widget_socket()
    await widget.drain()
    await widget.send(send_frame("words only", conversation=conversation_id))
    await widget.expect("ack")
    await widget.send(with_files([await upload(customer=customer)], body="with a file", conversation=conversation_id))
    await widget.expect("ack", skip=("message", "conversation", "queue"))
    assert calls == ["words only"]
    await widget.close()
