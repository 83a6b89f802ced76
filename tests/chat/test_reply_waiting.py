"""The customer who left: an agent's reply unread while the customer has no socket open becomes the webhook event
chat.reply_waiting after HELPDESK_REPLY_WAITING_SECONDS (2 s here), once per batch, never while they are connected,
with the words only for an endpoint that opted in. Real sockets over the ASGI router, a real Celery worker, the real
webhook receiver; nothing about the chat or its ticket changes."""

import asyncio
import json
import time
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from rest_framework.test import APIClient

from chat import customer_presence, services
from chat.models import Conversation
from common import cache as common_cache
from tests.chat.helpers import send_frame, widget_socket
from tests.conftest import ROOT, require
from tests.support.servers import celery_worker
from tests.tickets.receiver import webhook_receiver
from tickets import services as tickets_services
from tickets import webhooks
from tickets.models import Ticket, TimelineEvent, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 2  # HELPDESK_REPLY_WAITING_SECONDS, in the test process and the worker alike


@pytest.fixture
def reply_worker(transactional_db, settings):
    require("redis", "postgres")
    settings.REPLY_WAITING_SECONDS = WAIT
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with celery_worker(extra_env={"HELPDESK_REPLY_WAITING_SECONDS": str(WAIT)}) as proc:
        yield proc


@pytest.fixture
def hooks(transactional_db):
    """Two endpoints of the exchange, registered over the API: one opted in to the words of replies, one not."""
    _, raw = tickets_services.api_key_create(name="exchange", scopes=["webhooks:manage"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with webhook_receiver() as receiver:
        for path, include_text in (("/with-text", True), ("/count-only", False)):
            body = {"url": receiver.url + path, "events": ["chat.reply_waiting"], "include_text": include_text}
            created = api.post("/api/v1/webhooks/", body, format="json")
            assert created.status_code == 201 and created.json()["include_text"] is include_text
        yield receiver


def _reply(agent, conversation_id: int, body: str) -> float:
    """Post an agent's reply; the moment before it (the reply's time is some moment during the post)."""
    before = time.monotonic()
    services.agent_message_post(agent=agent, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=body)
    return before


def _state(conversation_id: int) -> tuple:
    """What a timer must never change: the chat's status and assignee, the ticket's fields."""
    conversation = Conversation.objects.get(pk=conversation_id)
    ticket = Ticket.objects.get(pk=conversation.ticket_id)
    return conversation.status, conversation.assignee_id, ticket.status, ticket.assignee_id, ticket.updated_at


async def _chat_accepted_by(agent, sub: str):
    """A customer's socket in a chat the agent has accepted: (socket, conversation id)."""
    customer, _ = await widget_socket(sub=sub)
    await customer.send(send_frame("my withdrawal is stuck"))
    conversation_id = (await customer.expect("ack", skip=("message", "conversation")))["conversation"]
    await sync_to_async(services.conversation_accept)(agent=agent, conversation_id=conversation_id)
    return customer, conversation_id


def _customer_of(conversation_id: int) -> int:
    return Conversation.objects.values_list("customer_id", flat=True).get(pk=conversation_id)


def _presence(customer_id: int) -> dict:
    """What Redis holds of the customer's presence, for a failure's message."""
    import redis
    from django.conf import settings

    store = redis.Redis.from_url(settings.REDIS_URL)
    keys = store.keys(f"*customer-*:{customer_id}")
    shared = common_cache._Shared.client
    return {
        "keys": {k: store.get(k) for k in keys},
        "prefix": settings.CACHES["default"]["KEY_PREFIX"],
        "shared": (getattr(shared, "_servers", None), getattr(shared, "key_prefix", None)),
    }


def _by_path(requests) -> dict[str, dict]:
    return {r.path.rsplit("/", 1)[-1]: r for r in requests}


async def _received(receiver, count: int, timeout: float = 20):
    return await sync_to_async(receiver.wait_for)(count, timeout)


async def test_a_reply_to_a_customer_who_left_reaches_the_exchange_once_per_batch(reply_worker, hooks, alice):
    customer, conversation_id = await _chat_accepted_by(alice, "away-1")
    await customer.close()  # they leave the page
    before = await sync_to_async(_state)(conversation_id)
    replied = await sync_to_async(_reply)(alice, conversation_id, "It is on its way: about ten minutes.")

    requests = await _received(hooks, 2)
    assert len(requests) == 2, requests
    assert min(r.at for r in requests) - replied >= WAIT - 0.1, [r.at - replied for r in requests]
    sent = _by_path(requests)
    endpoints = {e.url.rsplit("/", 1)[-1]: e for e in await sync_to_async(list)(WebhookEndpoint.objects.all())}
    for name, request in sent.items():
        assert webhooks.verify(endpoints[name].secret, request.body, request.headers["X-Helpdesk-Signature"])
        assert request.headers["X-Helpdesk-Event"] == "chat.reply_waiting"
    with_text, count_only = json.loads(sent["with-text"].body), json.loads(sent["count-only"].body)
    assert with_text["type"] == "chat.reply_waiting" and with_text["conversation_id"] == conversation_id
    assert with_text["data"]["customer"] == "away-1" and with_text["data"]["unread"] == 1
    assert [m["body"] for m in with_text["data"]["messages"]] == ["It is on its way: about ten minutes."]
    assert with_text["data"]["messages"][0]["author"] == "Alice"
    assert "messages" not in count_only["data"] and count_only["data"]["unread"] == 1
    assert b"ten minutes" not in sent["count-only"].body

    await asyncio.sleep(WAIT + 1)  # once per batch: the same unread reply is not announced again
    assert len(hooks.requests) == 2
    await sync_to_async(_reply)(alice, conversation_id, "Done: please check your balance.")
    requests = await _received(hooks, 4)
    again = json.loads(_by_path(requests[2:])["with-text"].body)
    assert again["data"]["unread"] == 2  # both replies wait unread
    assert [m["body"] for m in again["data"]["messages"]][-1] == "Done: please check your balance."
    assert again["data"]["up_to_seq"] > with_text["data"]["up_to_seq"]
    assert await sync_to_async(_state)(conversation_id) == before  # it told; it moved nothing
    events = TimelineEvent.objects.filter(conversation_id=conversation_id, kind="chat.reply_waiting")
    assert await sync_to_async(events.count)() == 2


async def test_never_while_the_customer_is_connected_then_once_they_leave(reply_worker, hooks, alice):
    customer, conversation_id = await _chat_accepted_by(alice, "away-2")
    customer_id = await sync_to_async(_customer_of)(conversation_id)
    assert await sync_to_async(customer_presence.is_connected)(customer_id), await sync_to_async(_presence)(customer_id)
    await sync_to_async(_reply)(alice, conversation_id, "Could you send me the TXID?")
    await customer.expect("message", skip=("message", "conversation", "waiting"))
    await asyncio.sleep(WAIT * 2 + 1)  # due long ago, but their widget is open (not read: the window is closed)
    assert hooks.requests == [], await sync_to_async(_presence)(customer_id)

    left = time.monotonic()  # before close(): the server counts them gone at some moment during it
    await customer.close()
    requests = await _received(hooks, 2)
    assert len(requests) == 2, requests
    assert min(r.at for r in requests) - left >= WAIT - 0.1, [r.at - left for r in requests]
    assert json.loads(requests[0].body)["data"]["unread"] == 1


async def test_a_reply_the_customer_read_is_not_announced(reply_worker, hooks, alice):
    customer, conversation_id = await _chat_accepted_by(alice, "away-3")
    await sync_to_async(_reply)(alice, conversation_id, "Found it: it was credited.")
    while (frame := await customer.recv())["type"] != "message" or frame["author"]["role"] != "agent":
        pass
    await customer.send({"type": "read", "conversation": conversation_id, "seq": frame["seq"]})
    await asyncio.sleep(0.3)
    await customer.close()
    await asyncio.sleep(WAIT * 2 + 1)
    assert hooks.requests == []


def test_the_endpoint_opts_in_and_out_over_the_api(db):
    _, raw = tickets_services.api_key_create(name="exchange", scopes=["webhooks:manage"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = api.post("/api/v1/webhooks/", {"url": "https://exchange.example/hooks"}, format="json").json()
    assert created["include_text"] is False  # the words stay home unless asked for
    hook = f"/api/v1/webhooks/{created['id']}/"
    assert api.patch(hook, {"include_text": True}, format="json").json()["include_text"] is True
    assert api.get(hook).json()["include_text"] is True
    assert api.patch(hook, {"include_text": "perhaps"}, format="json").status_code == 400
