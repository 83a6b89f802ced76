"""The admin: every tickets model has pages; history is read-only; keys are created hashed and shown once."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import staff_upsert
from tickets import services
from tickets.models import ApiKey, TimelineEvent, WebhookDelivery

pytestmark = pytest.mark.django_db

MODELS = [
    "customer",
    "depositaddress",
    "accountactivity",
    "tag",
    "ticket",
    "timelineevent",
    "cannedreply",
    "apikey",
    "webhookendpoint",
    "webhookdelivery",
    "webhookattempt",
]


@pytest.fixture
def admin_user(db):
    return staff_upsert(email="ada@test.example", password="pw-ada-12345", role=Role.ADMIN)[0]


@pytest.fixture
def data(customer, alice):
    ticket = services.ticket_create(customer=customer, subject="Admin view")
    services.activity_upsert(
        customer=customer,
        external_id="a1",
        kind="deposit",
        asset="BTC",
        network="bitcoin",
        amount="0.1",
        status="completed",
        occurred_at=timezone.now(),
    )
    services.deposit_address_upsert(customer=customer, chain="bsc", address="0x" + "2" * 40)
    services.canned_reply_save(actor=alice, title="Hi", body="Hello")
    services.webhook_endpoint_create(url="https://exchange.example/h")
    services.ticket_status_set(ticket=ticket, status="open", actor=alice)
    return ticket


def test_every_model_has_admin_pages(client, admin_user, data):
    client.force_login(admin_user)
    for model in MODELS:
        response = client.get(f"/admin/tickets/{model}/")
        assert response.status_code == 200, model


def test_history_is_read_only(client, admin_user, data):
    client.force_login(admin_user)
    event = TimelineEvent.objects.filter(ticket=data).first()
    assert client.get("/admin/tickets/timelineevent/add/").status_code == 403
    page = client.get(f"/admin/tickets/timelineevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="kind"' not in page.content
    client.post(f"/admin/tickets/timelineevent/{event.pk}/change/", {"kind": "forged"})
    event.refresh_from_db()
    assert event.kind != "forged"
    assert client.post(f"/admin/tickets/timelineevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    delivery = WebhookDelivery.objects.get()
    assert client.post(f"/admin/tickets/webhookdelivery/{delivery.pk}/delete/", {"post": "yes"}).status_code == 403


def test_agents_have_no_admin(client, alice):
    client.force_login(alice)
    assert client.get("/admin/tickets/ticket/").status_code == 302


def test_api_key_created_in_the_admin_is_hashed_and_shown_once(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/tickets/apikey/add/", {"name": "Backend", "scopes": ["tickets:read", "customers:write"]}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = next(str(m) for m in response.context["messages"] if "hdk_" in str(m))
    raw = shown[shown.index("hdk_") :].split()[0]
    assert services.api_key_verify(raw) == key and sorted(key.scopes) == ["customers:write", "tickets:read"]
    listing = client.get("/admin/tickets/apikey/").content.decode()
    assert raw not in listing
