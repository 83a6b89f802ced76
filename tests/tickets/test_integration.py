"""The issue's "done when", through the documented API only: an exchange backend creates a customer, pushes a
deposit and an address, registers a webhook, and gets a signed webhook when an agent changes the ticket. Also: the
signature check printed in docs/api.md is run as written."""

import json
import re
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from chat import services as chat_services
from helpdesk.celery import app as celery_app
from tests.tickets.receiver import webhook_receiver
from tickets import services

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture
def eager_tasks():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def documented_verify():
    """The `verify` function from docs/api.md, executed exactly as printed there."""
    text = DOCS.read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in b)
    namespace: dict = {}
    exec(block, namespace)  # our own documentation
    return namespace["verify"]


@pytest.mark.django_db
def test_an_exchange_backend_gets_a_signed_webhook_when_its_customers_ticket_changes(
    alice, bob, eager_tasks, django_capture_on_commit_callbacks
):
    _, raw = services.api_key_create(
        name="exchange", scopes=["customers:write", "activity:write", "webhooks:manage", "tickets:read"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.post("/api/v1/customers/", {"external_id": "u-1", "name": "Nadia", "vip": "gold"}).status_code == 201
    assert (
        api.post("/api/v1/customers/u-1/deposit-addresses/", {"chain": "bsc", "address": "0x" + "a" * 40}).status_code
        == 201
    )
    deposit = {
        "external_id": "dep-1",
        "customer": "u-1",
        "kind": "deposit",
        "asset": "USDT",
        "network": "BEP20",
        "amount": "500",
        "txid": "0x" + "f" * 64,
        "status": "completed",
        "occurred_at": "2026-11-25T09:00:00Z",
    }
    assert api.post("/api/v1/activity/", deposit, format="json").status_code == 201

    with webhook_receiver() as receiver:
        hook = api.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["ticket.", "chat."]}, format="json")
        secret = hook.json()["secret"]
        customer = services.customer_upsert(external_id="u-1")
        with django_capture_on_commit_callbacks(execute=True):
            posted = chat_services.customer_message_post(
                customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Deposit?"
            )
        conversation_id = posted.message.conversation_id
        with django_capture_on_commit_callbacks(execute=True):
            chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
            chat_services.conversation_transfer(
                agent=alice, conversation_id=conversation_id, to_agent_id=bob.pk, note="STAFF ONLY: suspicious"
            )
            services.ticket_status_set(ticket=posted.message.conversation.ticket, status="pending", actor=bob)
        receiver.wait_for(5)

    verify = documented_verify()
    kinds = [json.loads(r.body)["type"] for r in receiver.requests]
    assert kinds[:2] == ["ticket.created", "chat.started"] and "ticket.status" in kinds and "chat.transferred" in kinds
    for request in receiver.requests:
        assert verify(secret, request.body, request.headers["X-Helpdesk-Signature"])
        assert not verify(secret, request.body[:-1] + b" }", request.headers["X-Helpdesk-Signature"])
    assert b"STAFF ONLY" not in b"".join(r.body for r in receiver.requests)
    status = next(json.loads(r.body) for r in receiver.requests if json.loads(r.body)["type"] == "ticket.status")
    assert status["ticket"]["customer"] == "u-1" and status["data"] == {"from": "open", "to": "pending"}
    ticket = api.get(f"/api/v1/tickets/{status['ticket']['id']}/")
    assert b"STAFF ONLY" not in ticket.content


@pytest.mark.django_db
def test_the_agent_sees_what_the_exchange_pushed(client, alice):
    _, raw = services.api_key_create(name="exchange", scopes=["customers:write", "activity:write"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.post("/api/v1/customers/", {"external_id": "u-2", "vip": "platinum", "locale": "ru"}, format="json")
    api.post(
        "/api/v1/activity/",
        {
            "external_id": "wd-1",
            "customer": "u-2",
            "kind": "withdrawal",
            "asset": "ETH",
            "network": "ERC20",
            "amount": "1.5",
            "txid": "0x" + "e" * 64,
            "status": "processing",
            "occurred_at": "2026-11-25T09:00:00Z",
        },
        format="json",
    )
    ticket = services.ticket_create(customer=services.customer_upsert(external_id="u-2"), subject="Where is my ETH")
    client.force_login(alice)
    html = client.get(f"/tickets/{ticket.pk}/sidebar/").content.decode()
    assert "platinum" in html and "1.5 ETH" in html and "processing" in html
    assert f"https://etherscan.io/tx/0x{'e' * 64}" in html
