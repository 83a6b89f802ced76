"""The widget on the demo exchange page and the agent console, driven through a real Chromium against the real
ASGI app (HTTP + websockets, Redis channel layer, PostgreSQL)."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Conversation, Message
from tests.chat import pages
from tests.chat.pages import (
    DESK,
    agent_accepts,
    agent_says,
    customer_bubbles,
    customer_says,
    open_page,
    open_widget,
    pane_bubbles,
)
from tests.conftest import login, screenshot

customer_page = pages.customer_page
agent_page = pages.agent_page

pytestmark = pytest.mark.browser


def test_customer_and_agent_exchange_messages_both_ways(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Hello, my USDT deposit has not arrived")
    expect(customer_bubbles(widget, "my USDT deposit")).to_have_count(1)
    expect(agent_page.locator(".queue-item", has_text="my USDT deposit")).to_be_visible()
    expect(agent_page.locator(".queue-item.offered .offer-flag")).to_have_text("Offered to you")  # auto-offer
    screenshot(agent_page, "console-queue-1280")

    pane = agent_accepts(agent_page)
    expect(pane_bubbles(pane, "my USDT deposit")).to_have_count(1)
    agent_says(pane, "Hi Alice, I'm looking at it now.")
    expect(customer_bubbles(widget, "looking at it now")).to_have_count(1)
    expect(widget.locator(".msg-agent .msg-author").first).to_have_text("Alice")

    customer_says(widget, "Thank you <b>so much</b>")
    expect(pane_bubbles(pane, "Thank you <b>so much</b>")).to_have_count(1)  # text, never HTML
    expect(widget.locator("#w-messages b")).to_have_count(0)
    expect(pane.locator(".msg-seen")).to_have_count(1)  # the customer has the widget open: "Seen"
    expect(widget.locator(".msg-customer.msg-seen .msg-status")).to_have_text("Seen")  # the agent's pane is open

    # Closed widget: a reply shows as a count on the launcher, cleared when the customer opens it again.
    widget.get_by_role("button", name="Close the chat window").click()
    agent_says(pane, "One more detail for you")
    launcher = customer_page.get_by_role("button", name=re.compile("Chat with support"))
    expect(launcher.locator(".helpdesk-unread")).to_have_text("1")
    launcher.click()
    expect(launcher.locator(".helpdesk-unread")).to_be_hidden()

    screenshot(customer_page, "widget-chat-390")
    screenshot(agent_page, "console-chat-1280")
    conversation = Conversation.objects.get()
    assert conversation.status == "active" and conversation.assignee.email == "alice@test.example"
    roles = list(conversation.messages.filter(kind="text").order_by("staff_seq").values_list("author_role", flat=True))
    assert roles == ["customer", "agent", "customer", "agent"]
    assert customer_page.js_errors == [] and agent_page.js_errors == []


def test_customer_offline_messages_arrive_exactly_once_and_reload_keeps_history(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "First words")
    pane = agent_accepts(agent_page)
    expect(pane_bubbles(pane, "First words")).to_have_count(1)

    customer_page.context.set_offline(True)
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "offline")
    customer_says(widget, "Typed offline one")
    customer_says(widget, "Typed offline two")
    expect(widget.locator("#w-pending .msg-pending")).to_have_count(2)
    screenshot(customer_page, "widget-offline-390")
    agent_page.wait_for_timeout(1500)
    assert Message.objects.filter(body__startswith="Typed offline").count() == 0  # nothing left while offline

    customer_page.context.set_offline(False)
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
    expect(widget.locator("#w-pending .msg-pending")).to_have_count(0)
    expect(pane_bubbles(pane, "Typed offline one")).to_have_count(1)
    expect(pane_bubbles(pane, "Typed offline two")).to_have_count(1)
    agent_page.wait_for_timeout(1000)  # give a duplicate time to show up, if there were one
    expect(pane_bubbles(pane, "Typed offline")).to_have_count(2)
    assert Message.objects.filter(body="Typed offline one").count() == 1
    assert Message.objects.filter(body="Typed offline two").count() == 1
    bodies = [b for b in Message.objects.order_by("staff_seq").values_list("body", flat=True) if b.startswith("Typed")]
    assert bodies == ["Typed offline one", "Typed offline two"]

    customer_page.reload()
    customer_page.get_by_role("button", name=re.compile("Chat with support")).click()
    widget = customer_page.frame_locator("#helpdesk-frame")
    for text in ("First words", "Typed offline one", "Typed offline two"):
        expect(customer_bubbles(widget, text)).to_have_count(1)
    assert customer_page.js_errors == [] and agent_page.js_errors == []


def test_message_typed_offline_survives_a_reload_and_is_sent_once(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Before")
    pane = agent_accepts(agent_page)
    customer_page.context.set_offline(True)
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "offline")
    customer_says(widget, "Written offline, then the page was reloaded")
    customer_page.context.set_offline(False)
    customer_page.reload()  # the outbox is in localStorage: the message is sent after the reload
    expect(pane_bubbles(pane, "then the page was reloaded")).to_have_count(1)
    assert Message.objects.filter(body="Written offline, then the page was reloaded").count() == 1


def test_agent_offline_for_a_while_still_owns_the_chat_and_gets_everything(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Are you there?")
    pane = agent_accepts(agent_page)
    expect(pane_bubbles(pane, "Are you there?")).to_have_count(1)

    agent_page.context.set_offline(True)
    expect(agent_page.locator("#connection")).to_have_attribute("data-state", "offline")
    for n in range(3):
        customer_says(widget, f"Meanwhile {n}")
    agent_says(pane, "Reply written while offline")
    agent_page.wait_for_timeout(2000)
    screenshot(agent_page, "console-offline-1280")
    conversation = Conversation.objects.get()
    assert conversation.status == "active" and conversation.assignee.email == "alice@test.example"

    agent_page.context.set_offline(False)
    expect(agent_page.locator("#connection")).to_have_attribute("data-state", "online")
    for n in range(3):
        expect(pane_bubbles(pane, f"Meanwhile {n}")).to_have_count(1)
    expect(customer_bubbles(widget, "Reply written while offline")).to_have_count(1)
    conversation.refresh_from_db()
    assert conversation.status == "active" and conversation.assignee.email == "alice@test.example"
    assert Message.objects.filter(body="Reply written while offline").count() == 1


def test_internal_note_never_reaches_the_widget(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Hi")
    pane = agent_accepts(agent_page)
    agent_says(pane, "Internal: customer seems nervous, check KYC", note=True)
    expect(pane.locator(".msg-kind-note .msg-body", has_text="customer seems nervous")).to_have_count(1)
    pane.get_by_label("Reply").check()
    agent_says(pane, "Public reply after the note")
    expect(customer_bubbles(widget, "Public reply after the note")).to_have_count(1)
    customer_page.reload()
    customer_page.get_by_role("button", name=re.compile("Chat with support")).click()
    widget = customer_page.frame_locator("#helpdesk-frame")
    expect(customer_bubbles(widget, "Public reply after the note")).to_have_count(1)
    expect(widget.locator("body")).not_to_contain_text("nervous")
    assert Message.objects.get(body__contains="nervous").kind == "note"


def test_transfer_with_note_shows_the_note_to_the_receiving_agent(bob, customer_page, agent_page, browser, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "I need help with a withdrawal")
    pane = agent_accepts(agent_page)
    bob_context, bob_page = open_page(browser, DESK)
    try:
        login(bob_page, asgi_server, "bob@test.example", "pw-bob-123")
        bob_page.goto(f"{asgi_server}/console/")
        expect(bob_page.locator("#connection")).to_have_attribute("data-state", "online")

        pane.get_by_role("button", name="Transfer").click()
        dialog = pane.locator(".transfer-dialog")
        dialog.get_by_role("button", name="Transfer").click()
        expect(dialog.locator(".transfer-error")).to_be_visible()  # the note is required
        dialog.locator(".agent-option", has_text="Bob").locator("input").check()
        dialog.get_by_label("Note for them").fill("Withdrawal stuck since Monday; KYC is fine.")
        screenshot(agent_page, "console-transfer-1280")
        dialog.get_by_role("button", name="Transfer").click()

        expect(pane.locator(".pane-status")).to_have_text("Now with Bob")
        bob_pane = bob_page.locator(".chat-pane:not([hidden])")
        expect(bob_pane.locator(".pane-name")).to_have_text("Alice Moreau")
        expect(bob_pane.locator(".msg-kind-note", has_text="Withdrawal stuck since Monday")).to_have_count(1)
        expect(pane_bubbles(bob_pane, "I need help with a withdrawal")).to_have_count(1)
        screenshot(bob_page, "console-after-transfer-1280")
        expect(widget.locator("body")).not_to_contain_text("Withdrawal stuck")
        assert Conversation.objects.get().assignee.email == "bob@test.example"
    finally:
        bob_context.close()


def test_end_chat_from_the_widget(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "That's all, thanks")
    pane = agent_accepts(agent_page)
    widget.get_by_role("button", name="End chat").click()
    widget.get_by_role("button", name="Yes, end the chat").click()
    expect(pane.locator(".pane-status")).to_have_text("Ended")
    expect(widget.locator("#w-end")).to_be_hidden()
    assert Conversation.objects.get().status == "ended"

    customer_says(widget, "Oh, one more thing")  # starts a new conversation; the old one stays ended
    expect(widget.locator(".msg-divider")).to_have_text("New chat")
    expect(widget.locator("#w-end")).to_have_text("End chat")
    expect(widget.locator(".msg-seen")).to_have_count(0)  # an agent read the old chat, not this one
    expect(agent_page.locator(".queue-item", has_text="one more thing")).to_be_visible()
    assert list(Conversation.objects.order_by("pk").values_list("status", flat=True)) == ["ended", "waiting"]
    screenshot(customer_page, "widget-new-chat-390")


def test_console_refuses_outsiders(page, asgi_server, customer):
    page.goto(f"{asgi_server}/console/")
    assert "/login/" in page.url
