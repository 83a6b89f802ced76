# ruff: noqa: RUF001 (Chinese and Russian words)
"""The widget's handshake is input like any other frame: a bad `hello` gets an error frame and the socket stays;
a validly signed token is still checked against what the customer's columns hold (chat.access.widget_claims).
The same checks hold wherever the widget's token is accepted over HTTP (the survey, the recovery walkthrough)."""

import json
import logging

import jwt
import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from chat import errors
from helpdesk.asgi import application
from tests.chat.helpers import Socket, send_frame, widget_socket, widget_token
from tests.conftest import require
from tickets.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


@pytest.fixture
def server_errors(caplog):
    """What the server logged as an error while the test ran (a crashed consumer logs its traceback so)."""
    caplog.set_level(logging.WARNING)
    return lambda: [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def _open() -> Socket:
    communicator = WebsocketCommunicator(application, "/ws/widget/")
    assert (await communicator.connect())[0]
    return Socket(communicator)


@pytest.mark.parametrize("after_seq", ["abc", -1, 2**70, True, [1], {"seq": 1}, "12abc"])
async def test_a_bad_after_seq_in_hello_gets_bad_frame_and_the_socket_stays(after_seq, server_errors):
    socket = await _open()
    await socket.send(json.dumps({"type": "hello", "token": widget_token(), "after_seq": after_seq}))
    refused = await socket.recv()
    assert (refused["type"], refused["code"]) == ("error", "bad_frame")
    assert "after_seq" in refused["detail"]
    await socket.send({"type": "ping"})
    assert (await socket.recv())["code"] == "hello_required", "no hello was accepted"
    await socket.send({"type": "hello", "token": widget_token(), "after_seq": 0})
    assert (await socket.recv())["type"] == "welcome", "the same socket may say hello properly"
    assert server_errors() == []
    await socket.close()


@pytest.mark.parametrize(
    ("claimed", "stored"),
    [
        ("zh-Hans-CN-u-nu-hanidec", "zh-hans"),
        ("ar-EG", "ar"),
        ("ru_RU", "ru"),
        ("BN", "bn"),
        ("fil-PH", "fil"),
        ("de-DE", None),  # a language the product does not have: dropped
        ("i-klingon", None),
        ("x" * 300, None),
    ],
)
async def test_the_locale_claim_becomes_a_language_we_have_or_is_dropped(claimed, stored, server_errors):
    socket, welcome = await widget_socket(sub=f"locale-{claimed[:20]}", locale=claimed)
    assert welcome["type"] == "welcome"
    assert welcome["customer"]["locale"] == stored
    customer = await sync_to_async(Customer.objects.get)(external_id=f"locale-{claimed[:20]}")
    assert customer.locale == (stored or "")
    assert server_errors() == []
    await socket.close()


async def test_a_bcp47_chinese_customer_is_answered_in_chinese():
    socket, _ = await widget_socket(sub="zh-customer", locale="zh-Hans-CN-u-nu-hanidec")
    await socket.send(send_frame("   "))
    refused = await socket.expect("error")
    assert refused["code"] == "empty_body" and refused["detail"] == "消息是空的，请写点内容。"
    await socket.close()


async def test_long_text_claims_are_cut_to_their_columns():
    name, email, vip = "N" * 500, "e" * 300 + "@example.com", "platinum-" * 10
    socket, welcome = await widget_socket(sub="x" * 128, name=name, email=email, vip=vip)
    assert welcome["type"] == "welcome", "a 128-character sub fits the column"
    assert welcome["customer"]["name"] == "N" * 200
    customer = await sync_to_async(Customer.objects.get)(external_id="x" * 128)
    assert (customer.name, customer.email, customer.vip) == (name[:200], email[:254], vip[:32])
    await socket.close()


async def test_an_integer_sub_and_a_true_vip_are_read_as_text():
    socket, welcome = await widget_socket(sub=1234567, vip=True)
    assert welcome["type"] == "welcome"
    customer = await sync_to_async(Customer.objects.get)(external_id="1234567")
    assert customer.vip == "vip"
    await socket.close()


REFUSED_CLAIMS = {
    "sub_of_200_characters": ({"sub": "s" * 200}, "longer than 128 characters"),
    "sub_of_129_characters": ({"sub": "s" * 129}, "longer than 128 characters"),
    "a_huge_integer_sub": ({"sub": 10**200}, "longer than 128 characters"),
    "nul_in_name": ({"name": "Carla\x00Customer"}, "NUL"),
    "nul_in_sub": ({"sub": "cust\x00-1"}, "NUL"),
    "nul_in_email": ({"email": "a\x00@example.com"}, "NUL"),
    "nul_in_vip": ({"vip": "gold\x00"}, "NUL"),
    "lone_surrogate_in_name": ({"name": "Carla \ud800"}, "NUL"),
    "name_as_an_object": ({"name": {"first": "Carla"}}, "must be text"),
    "locale_as_a_number": ({"locale": 7}, "must be text"),
    "vip_as_a_list": ({"vip": ["gold"]}, "must be text"),
    "sub_true": ({"sub": True}, "no subject"),
    "sub_blank": ({"sub": "   "}, "no subject"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_CLAIMS))
async def test_claims_a_column_cannot_hold_are_refused_with_4401_saying_why(case, server_errors):
    claims, why = REFUSED_CLAIMS[case]
    socket = await _open()
    await socket.send({"type": "hello", "token": widget_token(**claims)})
    refused = await socket.recv()
    assert (refused["type"], refused["code"]) == ("error", "unauthorized")
    assert why in refused["detail"]
    assert await socket.c.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    assert await sync_to_async(Customer.objects.count)() == 0, "nothing was stored"
    assert server_errors() == []


def test_a_token_refusal_is_translated_like_every_other_detail():
    detail = "the token's user id (sub) is longer than 128 characters"
    assert Customer._meta.get_field("external_id").max_length == 128, "the refusal names the column's length"
    assert errors.error_detail("unauthorized", detail, "ru") != detail


# --- the same token over HTTP -------------------------------------------------------------------------------


def _bearer(**claims) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {widget_token(**claims)}"}


@pytest.mark.parametrize("case", ["sub_of_200_characters", "nul_in_name", "lone_surrogate_in_name"])
def test_the_bearer_endpoints_refuse_the_same_claims_with_401(case):
    claims, why = REFUSED_CLAIMS[case]
    walkthrough = Client().post("/recovery/walkthrough/start/", **_bearer(**claims))
    assert walkthrough.status_code == 401 and why in walkthrough.json()["detail"]
    survey = Client().post("/chat/survey/1/", "{}", content_type="application/json", **_bearer(**claims))
    assert survey.status_code == 401 and why in survey.json()["detail"]
    assert Customer.objects.count() == 0


def test_the_bearer_endpoints_store_the_normalised_locale_and_cut_name():
    headers = _bearer(sub="http-zh", locale="zh-Hans-CN-u-nu-hanidec", name="名" * 300)
    started = Client().post("/recovery/walkthrough/start/", **headers)
    assert started.status_code == 201, started.content
    customer = Customer.objects.get(external_id="http-zh")
    assert (customer.locale, customer.name) == ("zh-hans", "名" * 200)


def test_a_token_signed_with_a_lone_surrogate_escape_really_carries_one():
    """The refusal above is not an accident of encoding: PyJWT writes the escape and reads back a lone surrogate."""
    token = widget_token(name="\ud800")
    assert jwt.decode(token, settings.WIDGET_SECRET, algorithms=["HS256"])["name"] == "\ud800"
