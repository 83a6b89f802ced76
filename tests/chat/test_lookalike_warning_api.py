"""The console's one-click look-alike warning over HTTP (chat.views.LookalikeWarning, on DRF): staff with their
session and CSRF token only; JSON in, JSON out; a retry with the same client_msg_id stores one message."""

import uuid

import pytest
from django.test import Client

from chat import services
from chat.models import Message
from tests.chat.helpers import widget_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(settings, customer, alice):
    settings.OFFICIAL_DOMAINS = ["demo-exchange.test"]
    posted = services.customer_message_post(
        customer=customer,
        conversation_id=None,
        client_msg_id=uuid.uuid4(),
        body="they said to log in at demo-exchanqe.test",
    )
    services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
    return posted.message.conversation_id


def url(conversation_id) -> str:
    return f"/console/conversations/{conversation_id}/lookalike-warning/"


def test_the_agent_warns_once_in_the_customers_language_however_often_the_click_is_retried(client, chat, alice):
    client.force_login(alice)
    body = {"host": "demo-exchanqe.test", "client_msg_id": str(uuid.uuid4())}
    first = client.post(url(chat), body, content_type="application/json")
    again = client.post(url(chat), body, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["conversation"] == chat
    warnings = Message.objects.filter(conversation_id=chat, author=alice)
    assert warnings.count() == 1 and "demo-exchanqe" in warnings.get().body


def test_refusals_are_json_and_say_why(client, chat, alice, customer):
    anonymous = client.post(url(chat), {"host": "demo-exchanqe.test"}, content_type="application/json")
    assert anonymous.status_code == 401 and anonymous.json() == {
        "error": "unauthorized",
        "detail": "sign in to the console",
    }
    token = {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub=customer.external_id)}"}
    as_customer = client.post(url(chat), {"host": "demo-exchanqe.test"}, content_type="application/json", **token)
    assert as_customer.status_code == 401  # a widget token is nobody here

    client.force_login(alice)
    for bad in ('"just a string"', '{"host": 7}', '{"host": "demo-exchanqe.test", "client_msg_id": "nope"}', "{"):
        answer = client.post(url(chat), bad, content_type="application/json")
        assert answer.status_code == 400 and answer.json() == {
            "error": "bad_request",
            "detail": "send a JSON object",
        }, bad
    honest = client.post(url(chat), {"host": "example.org"}, content_type="application/json")
    assert honest.status_code == 409 and honest.json()["error"] == "not_a_lookalike"
    nowhere = client.post(url(10**12), {"host": "demo-exchanqe.test"}, content_type="application/json")
    assert nowhere.status_code == 404
    assert client.get(url(chat)).status_code == 405


def test_a_session_without_its_csrf_token_is_refused(chat, alice):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    answer = strict.post(url(chat), {"host": "demo-exchanqe.test"}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["error"] == "csrf"
    assert not Message.objects.filter(conversation_id=chat, author=alice).exists()
