"""The exchange API: keys and scopes, round trips, transcripts without notes, webhook registration."""

import uuid

import pytest
from rest_framework.test import APIClient

from chat import services as chat_services
from tickets import services
from tickets.models import ApiKey, Customer, TimelineEvent, WebhookEndpoint

pytestmark = pytest.mark.django_db

ALL_SCOPES = ApiKey.Scope.values


def client_with(*scopes: str) -> APIClient:
    _, raw = services.api_key_create(name="exchange", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api():
    return client_with(*ALL_SCOPES)


# (method, path, body, scope it needs)
ENDPOINTS = [
    ("post", "/api/v1/customers/", {"external_id": "u1"}, "customers:write"),
    ("get", "/api/v1/customers/cust-1/", None, "customers:read"),
    ("get", "/api/v1/customers/cust-1/deposit-addresses/", None, "customers:read"),
    (
        "post",
        "/api/v1/customers/cust-1/deposit-addresses/",
        {"chain": "bsc", "address": "0x" + "1" * 40},
        "customers:write",
    ),
    ("post", "/api/v1/activity/", {}, "activity:write"),
    ("get", "/api/v1/tickets/", None, "tickets:read"),
    ("post", "/api/v1/tickets/", {"customer": "cust-1", "subject": "x"}, "tickets:write"),
    ("get", "/api/v1/tickets/{ticket}/", None, "tickets:read"),
    ("patch", "/api/v1/tickets/{ticket}/", {"status": "solved"}, "tickets:write"),
    ("get", "/api/v1/conversations/1/transcript/", None, "transcripts:read"),
    ("get", "/api/v1/webhooks/", None, "webhooks:manage"),
    ("post", "/api/v1/webhooks/", {"url": "https://example.com/hook"}, "webhooks:manage"),
    ("post", "/api/v1/webhooks/1/secret/", None, "webhooks:manage"),
]


@pytest.fixture
def ticket(customer):
    return services.ticket_create(customer=customer, subject="Where is my deposit?")


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_a_key_cannot_reach_another_scope(method, path, body, scope, ticket):
    path = path.format(ticket=ticket.pk)
    others = [s for s in ALL_SCOPES if s != scope]
    response = getattr(client_with(*others), method)(path, body, format="json")
    assert response.status_code == 403, response.content
    assert scope in response.json()["detail"]
    assert Customer.objects.filter(external_id="u1").count() == 0
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_no_key_bad_key_and_staff_sessions_are_refused(method, path, body, scope, ticket, client, sofia):
    path = path.format(ticket=ticket.pk)
    anonymous = APIClient()
    assert getattr(anonymous, method)(path, body, format="json").status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer hdk_nothere_secret")
    assert getattr(anonymous, method)(path, body, format="json").status_code == 401
    supervisor = APIClient()
    supervisor.force_login(sofia)
    assert getattr(supervisor, method)(path, body, format="json").status_code == 401


def test_a_revoked_key_is_refused():
    key, raw = services.api_key_create(name="old", scopes=["tickets:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/tickets/").status_code == 200
    services.api_key_revoke(key=key)
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_last_used_is_recorded():
    client = client_with("tickets:read")
    client.get("/api/v1/tickets/")
    assert ApiKey.objects.get().last_used_at is not None


def test_customer_address_activity_round_trip(api):
    created = api.post("/api/v1/customers/", {"external_id": "u-42", "name": "Nadia", "vip": "gold"}, format="json")
    assert created.status_code == 201 and created.json()["vip"] == "gold"
    again = api.post("/api/v1/customers/", {"external_id": "u-42", "locale": "ar"}, format="json")
    assert again.status_code == 200 and again.json()["name"] == "Nadia" and again.json()["locale"] == "ar"

    address = {"chain": "bsc", "address": "0xAbC" + "0" * 37, "memo": ""}
    assert api.post("/api/v1/customers/u-42/deposit-addresses/", address, format="json").status_code == 201
    listed = api.get("/api/v1/customers/u-42/deposit-addresses/").json()
    assert listed[0]["address"] == "0xabc" + "0" * 37
    taken = api.post("/api/v1/customers/u-other/deposit-addresses/", address, format="json")
    assert taken.status_code == 409 and "another customer" in taken.json()["detail"]

    movement = {
        "external_id": "dep-9001",
        "customer": "u-42",
        "kind": "deposit",
        "asset": "USDT",
        "network": "bsc",
        "amount": "100.25",
        "txid": "0x" + "ab" * 32,
        "status": "pending",
        "occurred_at": "2026-11-25T10:00:00Z",
    }
    assert api.post("/api/v1/activity/", movement, format="json").status_code == 201
    repeat = api.post("/api/v1/activity/", {**movement, "status": "completed"}, format="json")
    assert repeat.status_code == 200 and repeat.json()["status"] == "completed"
    customer = Customer.objects.get(external_id="u-42")
    assert customer.activity.count() == 1
    bad = api.post("/api/v1/activity/", {**movement, "external_id": "dep-2", "kind": "airdrop"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_ticket_round_trip_records_the_api_as_actor(api, alice):
    created = api.post(
        "/api/v1/tickets/",
        {"customer": "u-7", "subject": "KYC review", "priority": "high", "tags": ["KYC"]},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["subject"], body["priority"], body["tags"], body["customer"]) == ("KYC review", "high", ["kyc"], "u-7")
    ticket_id = body["id"]
    patched = api.patch(
        f"/api/v1/tickets/{ticket_id}/",
        {"status": "pending", "assignee_email": "alice@test.example"},
        format="json",
    )
    assert patched.status_code == 200
    assert patched.json()["assignee"]["email"] == "alice@test.example"
    status_event = TimelineEvent.objects.get(ticket_id=ticket_id, kind="ticket.status")
    assert (status_event.actor_role, status_event.actor, status_event.data) == (
        "api",
        None,
        {"from": "new", "to": "pending"},
    )
    assert api.patch(f"/api/v1/tickets/{ticket_id}/", {"status": "gone"}, format="json").status_code == 400
    assert api.patch(f"/api/v1/tickets/{ticket_id}/", {"assignee_email": "x@y.z"}, format="json").status_code == 400
    listed = api.get("/api/v1/tickets/?status=pending&customer=u-7").json()
    assert [t["id"] for t in listed["results"]] == [ticket_id]
    assert api.get("/api/v1/tickets/999999/").status_code == 404


def test_ticket_and_transcript_over_the_api_never_include_internal_notes(api, customer, alice):
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="I sent USDT on BSC"
    )
    conversation_id = posted.message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    chat_services.agent_message_post(agent=alice, conversation_id=conversation_id, client_msg_id=None, body="Checking")
    chat_services.agent_message_post(
        agent=alice, conversation_id=conversation_id, client_msg_id=None, body="SECRET: looks like fraud", kind="note"
    )
    ticket = posted.message.conversation.ticket
    services.ticket_note_add(ticket=ticket, body="SECRET ticket note", actor=alice)

    transcript = api.get(f"/api/v1/conversations/{conversation_id}/transcript/")
    assert transcript.status_code == 200
    bodies = [m["body"] for m in transcript.json()["messages"]]
    assert "I sent USDT on BSC" in bodies and "Checking" in bodies
    assert "SECRET" not in transcript.content.decode()
    detail = api.get(f"/api/v1/tickets/{ticket.pk}/")
    assert detail.json()["conversations"] == [conversation_id]
    assert "SECRET" not in detail.content.decode()
    assert "ticket.created" in [e["kind"] for e in detail.json()["events"]]
    assert api.get("/api/v1/conversations/999999/transcript/").status_code == 404


def test_webhook_registration_shows_the_secret_once(api):
    created = api.post(
        "/api/v1/webhooks/", {"url": "https://exchange.example/hooks", "events": ["ticket."]}, format="json"
    )
    assert created.status_code == 201
    assert len(created.json()["secret"]) == 64
    listed = api.get("/api/v1/webhooks/").json()
    assert listed[0]["url"] == "https://exchange.example/hooks" and "secret" not in listed[0]
    bad = api.post("/api/v1/webhooks/", {"url": "ftp://exchange.example/"}, format="json")
    assert bad.status_code == 400
    hook_id = created.json()["id"]
    assert api.patch(f"/api/v1/webhooks/{hook_id}/", {"is_active": False}, format="json").json()["is_active"] is False
    assert api.get(f"/api/v1/webhooks/{hook_id}/deliveries/").json()["results"] == []
    rotated = api.post(f"/api/v1/webhooks/{hook_id}/secret/")
    assert rotated.status_code == 200 and len(rotated.json()["secret"]) == 64
    assert rotated.json()["secret"] != created.json()["secret"]
    assert api.delete(f"/api/v1/webhooks/{hook_id}/").status_code == 204


def test_schema_and_offline_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "openapi: 3" in text and "/api/v1/tickets/" in text and "bearer" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "<script>" not in html
    assert client.get("/api/docs/?script=").status_code == 200


def test_the_api_reads_json_only_and_refuses_events_null(api):
    """A multipart `events=null` once subscribed a webhook to everything (issue 14)."""
    form = api.post("/api/v1/webhooks/", {"url": "https://x.example/h", "events": "null"}, format="multipart")
    assert form.status_code == 415 and form["Content-Type"] == "application/json"
    null = api.post("/api/v1/webhooks/", {"url": "https://x.example/h", "events": None})
    assert null.status_code == 400 and "events" in null.json()
    assert not WebhookEndpoint.objects.exists()


def test_a_filter_out_of_its_values_is_a_400_naming_them(api):
    assert api.get("/api/v1/tickets/?status=AAA").json() == {
        "status": ["use one of new, open, pending, solved, closed"]
    }
    assert api.get("/api/v1/tickets/?status=").status_code == 400  # "no status" is no ?status= at all
    for bad in ("0", "201", "abc", "-1", "99999999999999999999999"):
        assert api.get(f"/api/v1/tickets/?limit={bad}").json() == {"limit": ["use a whole number from 1 to 200"]}
    assert api.get("/api/v1/tickets/?offset=-1").status_code == 400
    old = api.get("/api/v1/tickets/?updated_since=0001-01-01T00:00:00%2B01:00")
    assert old.status_code == 400 and "1970 to 2099" in old.json()["updated_since"][0]


def test_the_schema_types_hold_where_drf_would_bend(api, ticket):
    """DRF alone takes 1 for a boolean, 123 for a text and ignores a field it does not know."""
    hook = api.post("/api/v1/webhooks/", {"url": "https://x.example/h"}).json()
    assert api.patch(f"/api/v1/webhooks/{hook['id']}/", {"is_active": 0}).json() == {
        "is_active": ["must be true or false"]
    }
    assert api.patch(f"/api/v1/tickets/{ticket.pk}/", {"subject": 123}).json() == {"subject": ["must be a string"]}
    typo = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"assigne_email": None})
    assert typo.status_code == 400 and list(typo.json()) == ["assigne_email"]
    nobody = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"assignee_email": "nobody@example.com"})
    assert nobody.status_code == 422


def test_the_schema_says_which_lists_are_pages_and_which_are_plain(api):
    schema = api.get("/api/schema/?format=json").json()

    def answer(path: str) -> dict:
        return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    assert answer("/api/v1/customers/{external_id}/deposit-addresses/")["type"] == "array"
    assert answer("/api/v1/webhooks/")["type"] == "array"
    assert answer("/api/v1/webhooks/{webhook_id}/deliveries/")["$ref"].endswith("/PaginatedDeliveryList")
    assert answer("/api/v1/tickets/")["$ref"].endswith("/PaginatedTicketList")
    documented = {code for item in schema["paths"].values() for op in item.values() for code in op["responses"]}
    assert {"400", "401", "403", "404", "409", "415", "422"} <= documented


def test_api_errors_are_json_even_in_debug(api, settings):
    settings.DEBUG = True  # Django's debug 404 page is HTML; the exchange's backend reads JSON
    for url in ("/api/v1/tickets/abc/", "/api/v1/tickets/-1/", "/api/v1/nothing/", "/api/v2/"):
        answer = api.get(url)
        assert answer.status_code == 404 and answer["Content-Type"] == "application/json", url
        assert answer.json()["detail"]
