"""The widget alone: embedding, token refresh, cards rendered as text, right-to-left customers, phone layout."""

import json
import re
import time

import jwt
import pytest
from django.conf import settings
from playwright.sync_api import expect

from chat import broadcast, services
from chat.models import Conversation
from tests.chat import pages
from tests.chat.pages import PHONE, customer_bubbles, customer_says, off_the_loop, open_page, open_widget
from tests.conftest import screenshot

pytestmark = pytest.mark.browser

customer_page = pages.customer_page
agent_page = pages.agent_page


def test_launcher_opens_the_widget_full_screen_on_a_phone(customer_page, asgi_server):
    customer_page.goto(f"{asgi_server}/demo/exchange/?user=demo-alice")
    launcher = customer_page.get_by_role("button", name=re.compile("Chat with support"))
    expect(launcher).to_be_visible()
    screenshot(customer_page, "widget-closed-390")
    launcher.click()
    frame = customer_page.locator("#helpdesk-frame")
    expect(frame).to_be_visible()
    box = frame.bounding_box()
    assert box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    widget = customer_page.frame_locator("#helpdesk-frame")
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
    expect(widget.locator("#w-empty")).to_be_visible()
    screenshot(customer_page, "widget-empty-390")
    widget.get_by_role("button", name="Close the chat window").click()
    expect(frame).to_be_hidden()
    expect(launcher).to_be_visible()
    assert customer_page.js_errors == []


def test_widget_sits_in_a_corner_on_a_desktop(browser, asgi_server):
    context, page = open_page(browser, {"width": 1280, "height": 800})
    try:
        widget = open_widget(page, asgi_server)
        customer_says(widget, "Hello from a desktop")
        expect(customer_bubbles(widget, "Hello from a desktop")).to_have_count(1)
        box = page.locator("#helpdesk-frame").bounding_box()
        assert box["width"] == 380 and box["x"] > 800
        screenshot(page, "widget-desktop-1280")
    finally:
        context.close()


def test_shift_enter_makes_a_new_line_and_enter_sends(customer_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    box = widget.locator("#w-input")
    box.type("first line")
    box.press("Shift+Enter")
    box.type("second line")
    box.press("Enter")
    expect(customer_bubbles(widget, "first line")).to_have_count(1)
    message = Conversation.objects.get().messages.get(kind="text")
    assert message.body == "first line\nsecond line"


def test_an_expired_token_is_replaced_by_asking_the_page_again(customer_page, asgi_server):
    calls = []
    expired = jwt.encode(
        {"sub": "demo-alice", "name": "Alice Moreau", "exp": int(time.time()) - 3600},
        settings.WIDGET_SECRET,
        algorithm="HS256",
    )

    def token_route(route):
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"token": expired}))
        else:
            route.continue_()

    customer_page.route(re.compile(r".*/demo/token.*"), token_route)
    widget = open_widget(customer_page, asgi_server)  # waits for "online"
    assert len(calls) >= 2
    customer_says(widget, "Hello after a fresh token")
    expect(customer_bubbles(widget, "fresh token")).to_have_count(1)


def test_a_foreign_page_cannot_feed_the_widget_a_token(customer_page, asgi_server):
    """The iframe only listens to the origin it was embedded for."""
    customer_page.goto(f"{asgi_server}/widget/frame/?origin=https://exchange.example")
    customer_page.evaluate(
        "token => window.postMessage({type: 'helpdesk:token', token}, '*')",
        jwt.encode({"sub": "intruder", "exp": int(time.time()) + 600}, settings.WIDGET_SECRET, algorithm="HS256"),
    )
    customer_page.wait_for_timeout(1000)
    expect(customer_page.locator("#w-state")).to_have_attribute("data-state", "connecting")
    assert not Conversation.objects.exists()


def card_payload(ref: str) -> dict:
    return {
        "type": "recovery.step",
        "ref": ref,
        "title": "Which network did you use? <img src=x onerror=alert(1)>",
        "blocks": [
            {"text": "Pick the network <b>you sent from</b>."},
            {"table": {"columns": ["Step", "Amount"], "rows": [["Gross", "$24.00"], ["<i>Fees</i>", "$6.50"]]}},
            {"link": {"href": "javascript:alert(1)", "label": "A bad link"}},
            {"link": {"href": "https://etherscan.io/tx/0xabc", "label": "See it on Etherscan"}},
            {"progress": [{"key": "bsc", "label": "BNB Smart Chain", "state": "pending"}]},
            {"mystery": {"future": True}},
            {"choices": [{"value": "bsc", "label": "BNB Smart Chain"}, {"value": "ethereum", "label": "Ethereum"}]},
        ],
        "action": {"url": "/recovery/test-answer/", "step": "network", "audience": "customer"},
    }


def test_a_card_renders_as_text_answers_with_the_token_and_updates_live(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "I sent USDT on the wrong chain")
    expect(customer_bubbles(widget, "wrong chain")).to_have_count(1)
    conversation = Conversation.objects.get()
    off_the_loop(
        services.system_message_post,
        conversation_id=conversation.pk,
        body="Which network?",
        payload=card_payload("lookup-1"),
        kind="card",
    )
    card = widget.locator(".card-message")
    expect(card.locator(".card-title")).to_have_text("Which network did you use? <img src=x onerror=alert(1)>")
    expect(card.locator("img, b, i")).to_have_count(0)
    expect(card.locator("td", has_text="<i>Fees</i>")).to_have_count(1)
    expect(card.locator("a")).to_have_count(1)  # the javascript: link is shown as text only
    expect(card.locator("a")).to_have_attribute("href", "https://etherscan.io/tx/0xabc")
    expect(card.locator(".progress-pending")).to_have_text(re.compile("checking"))

    answers = []

    def answer_route(route):
        answers.append((route.request.headers.get("authorization", ""), route.request.post_data_json))
        route.fulfill(status=200, content_type="application/json", body="{}")

    customer_page.route(re.compile(r".*/recovery/test-answer/$"), answer_route)
    card.get_by_role("button", name="BNB Smart Chain").click()
    expect(card.locator(".card-status")).to_have_text("Sent.")
    assert answers[0][0].startswith("Bearer ey")
    assert answers[0][1] == {"step": "network", "value": "bsc"}
    off_the_loop(
        services.system_message_post,
        conversation_id=conversation.pk,
        body="You chose BNB Smart Chain.",
        payload={"type": "recovery.answer", "answered_steps": ["network"]},
    )
    expect(customer_bubbles(widget, "You chose BNB Smart Chain.")).to_have_count(1)
    customer_page.reload()  # a fresh page replays the card, then the message that answered it
    customer_page.get_by_role("button", name=re.compile("Chat with support")).click()
    widget = customer_page.frame_locator("#helpdesk-frame")
    card = widget.locator(".card-message")
    expect(customer_bubbles(widget, "You chose BNB Smart Chain.")).to_have_count(1)
    expect(card.get_by_role("button", name="Ethereum")).to_be_disabled()  # answered: the controls go quiet

    off_the_loop(
        broadcast.frame_to_conversation,
        conversation.pk,
        {
            "type": "card_update",
            "conversation": conversation.pk,
            "card": "lookup-1",
            "blocks": [{"progress": [{"key": "bsc", "label": "BNB Smart Chain", "state": "found"}]}],
        },
        customer=True,
    )
    expect(card.locator(".progress-found")).to_have_text(re.compile("found"))
    screenshot(customer_page, "widget-card-390")

    # The console shows the same card; customer-only controls are disabled for agents.
    item = agent_page.locator(".queue-item", has_text="Alice Moreau")
    item.get_by_role("button", name="Accept").click()
    agent_card = agent_page.locator(".chat-pane:not([hidden]) .card-message")
    expect(agent_card.locator(".card-title")).to_contain_text("Which network")
    expect(agent_card.get_by_role("button", name="Ethereum")).to_be_disabled()
    assert customer_page.js_errors == [] and agent_page.js_errors == []


def test_arabic_customer_gets_a_right_to_left_widget(customer_page, asgi_server):
    widget = open_widget(customer_page, asgi_server, user="demo-layla")
    customer_says(widget, "مرحبا، لم يصل إيداعي")
    expect(customer_bubbles(widget, "مرحبا")).to_have_count(1)
    expect(widget.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(customer_page, "widget-rtl-390")


def test_a_lost_ack_is_retried_and_never_duplicates(customer_page, agent_page, asgi_server):
    """The link dies after the server stored a message but before its ack arrived: the widget resends it from the
    outbox on reconnect and the server answers with the original message."""
    links, sends = [], []

    def route(ws):
        server = ws.connect_to_server()
        links.append(ws)

        def from_page(message):
            frame = json.loads(message)
            if frame.get("type") == "send":
                sends.append(frame["client_msg_id"])
            server.send(message)

        ws.on_message(from_page)

        def from_server(message):
            if '"type":"ack"' in str(message) and len(links) == 1:
                ws.close(code=4000)  # drop the ack and the link with it
                server.close()
                return
            ws.send(message)

        server.on_message(from_server)

    customer_page.route_web_socket(re.compile(r".*/ws/widget/$"), route)
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Stored, but the ack was lost")
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
    expect(customer_bubbles(widget, "the ack was lost")).to_have_count(1)
    expect(widget.locator("#w-pending li")).to_have_count(0)
    assert len(links) >= 2 and len(sends) == 2 and sends[0] == sends[1]  # resent once, same client_msg_id
    pane = pages.agent_accepts(agent_page)
    expect(pane.locator(".msg-body", has_text="the ack was lost")).to_have_count(1)
    assert Conversation.objects.get().messages.filter(body="Stored, but the ack was lost").count() == 1
    assert customer_page.evaluate("Object.keys(localStorage).filter(k => k.includes('outbox'))") == []


def test_a_silent_dead_link_is_found_by_the_heartbeat(customer_page, agent_page, asgi_server):
    """No close, no offline event: the link just stops carrying anything (a phone between cells). The missing pong
    gives it away; the widget reconnects and what was written into the void arrives once."""
    customer_page.add_init_script("window.HELPDESK_HEARTBEAT_MS = 2000")
    links, silent = [], {"link": None}

    def route(ws):
        server = ws.connect_to_server()
        links.append(ws)
        ws.on_message(lambda m: None if silent["link"] is ws else server.send(m))
        server.on_message(lambda m: None if silent["link"] is ws else ws.send(m))

    customer_page.route_web_socket(re.compile(r".*/ws/widget/$"), route)
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Before the tunnel")
    pane = pages.agent_accepts(agent_page)
    expect(pane.locator(".msg-body", has_text="Before the tunnel")).to_have_count(1)
    silent["link"] = links[-1]  # the link in use goes quiet, without closing
    before = len(links)
    customer_says(widget, "Written inside the tunnel")
    # Only a new link can carry it: the quiet one drops everything.
    expect(pane.locator(".msg-body", has_text="Written inside the tunnel")).to_have_count(1, timeout=20000)
    assert len(links) > before
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
    expect(widget.locator("#w-pending li")).to_have_count(0)
    assert Conversation.objects.get().messages.filter(body="Written inside the tunnel").count() == 1


def test_the_widget_speaks_the_customers_language(customer_page, asgi_server):
    customer_page.goto(f"{asgi_server}/demo/exchange/?user=demo-ivan")
    customer_page.get_by_role("button", name=re.compile("Chat with support")).click()
    widget = customer_page.frame_locator("#helpdesk-frame")
    expect(widget.locator("#w-state")).to_have_text("Подключено")  # "Connected", from the token's locale
    expect(widget.locator("html")).to_have_attribute("lang", "ru")
    customer_says(widget, "Здравствуйте")
    expect(widget.locator("#w-end")).to_have_text("Завершить чат")
    expect(widget.locator("#w-input")).to_have_attribute("placeholder", re.compile("[\\u0430-\\u044f]"))
    expect(widget.locator("#w-pending li")).to_have_count(0)
    screenshot(customer_page, "widget-ru-390")
