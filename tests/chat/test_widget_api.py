"""chat.widget_api: the widget's JSON endpoints on DRF (the survey here; recovery's walkthrough uses the same base).
The token and the staff session as DRF authentication classes, and the refusals they answered before DRF."""

import uuid

import pytest
from django.test import Client, RequestFactory
from rest_framework import exceptions
from rest_framework.request import Request

from chat import services
from chat.widget_api import StaffSessionAuthentication, WidgetTokenAuthentication
from tests.chat.helpers import widget_token

pytestmark = pytest.mark.django_db


def _request(**headers) -> Request:
    return Request(RequestFactory().post("/", **headers))


def test_the_token_names_the_customer_and_its_checked_claims():
    user, token = WidgetTokenAuthentication().authenticate(
        _request(HTTP_AUTHORIZATION=f"Bearer {widget_token('cust-9', locale='ru-RU', name='  Иван ')}")
    )
    assert user.is_authenticated and not user.is_agent
    assert (user.customer.external_id, user.customer.locale, user.customer.name) == ("cust-9", "ru", "Иван")
    assert user.claims["locale"] == "ru" and token


def test_no_bearer_header_leaves_it_to_the_next_class_and_a_bad_token_is_refused():
    assert WidgetTokenAuthentication().authenticate(_request()) is None
    assert WidgetTokenAuthentication().authenticate(_request(HTTP_AUTHORIZATION="Basic abc")) is None
    with pytest.raises(exceptions.AuthenticationFailed, match="expired"):
        WidgetTokenAuthentication().authenticate(_request(HTTP_AUTHORIZATION=f"Bearer {widget_token(exp_in=-600)}"))


def test_a_signed_in_customer_of_no_role_counts_as_nobody(alice):
    request = RequestFactory().post("/")
    alice.is_active = False  # signed in, but no longer staff
    request.user = alice
    assert StaffSessionAuthentication().authenticate(Request(request)) is None


def _ended_chat(customer, alice) -> int:
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    )
    conversation_id = posted.message.conversation_id
    services.conversation_accept(agent=alice, conversation_id=conversation_id)
    services.conversation_end(conversation_id=conversation_id, agent=alice)
    return conversation_id


def test_the_survey_keeps_its_answers_and_refusals(customer, alice):
    url = f"/chat/survey/{_ended_chat(customer, alice)}/"
    token = {"HTTP_AUTHORIZATION": f"Bearer {widget_token(customer.external_id)}"}
    client = Client()
    kept = client.post(url, {"value": "partly", "comment": "ok"}, content_type="application/json", **token)
    assert kept.status_code == 200 and kept.json() == {"answer": "partly", "comment": "ok"}
    form = client.post(url, {"value": "yes"}, **token)  # a form body is bad JSON: 400, as before DRF (not 415)
    assert form.status_code == 400 and form.json() == {
        "error": "bad_request",
        "detail": 'send JSON {"value": "yes|partly|no"}',
    }
    bad = client.post(url, {"value": "maybe"}, content_type="application/json", **token)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_answer"
    nobody = client.post(url, {"value": "yes"}, content_type="application/json")
    assert nobody.status_code == 401 and nobody.json() == {
        "error": "unauthorized",
        "detail": "a signed token is required",
    }
    assert nobody["WWW-Authenticate"] == 'Bearer realm="widget"'


def test_a_method_the_endpoint_does_not_answer_is_a_405_before_anything_else(customer, alice):
    url = f"/chat/survey/{_ended_chat(customer, alice)}/"
    for method in ("get", "put", "options", "head"):
        assert getattr(Client(), method)(url).status_code == 405, method
    assert Client().get("/recovery/walkthrough/start/").status_code == 405
    assert Client().post("/recovery/lookups/1/blocks/").status_code == 405


def test_a_supervisor_in_the_console_must_send_the_csrf_token(sofia, customer, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sofia)
    refused = client.post("/recovery/walkthrough/start/", {"conversation": 1}, content_type="application/json")
    assert refused.status_code == 403 and refused.json() == {
        "error": "csrf",
        "detail": "the CSRF token is missing or wrong; reload the page",
    }
