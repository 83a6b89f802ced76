"""The ticket sidebar inside the real agent console (Chromium, real ASGI app, Redis, PostgreSQL): changes made
there appear in the ticket's timeline, and canned replies land in the composer without being sent."""

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Message
from tests.conftest import login, require, screenshot
from tickets import services
from tickets.models import Ticket, TimelineEvent

pytestmark = pytest.mark.browser


@pytest.fixture
def accepted_chat(asgi_server, alice, sofia, customer):
    require("postgres", "redis")
    services.customer_upsert(external_id=customer.external_id, vip="gold")
    services.deposit_address_upsert(customer=customer, chain="bsc", address="0x" + "ab" * 20)
    services.activity_upsert(
        customer=customer,
        external_id="dep-77",
        kind="deposit",
        asset="USDT",
        network="bsc",
        amount="1250.5",
        status="pending",
        occurred_at=timezone.now(),
        txid="0x" + "cd" * 32,
    )
    services.canned_reply_save(actor=sofia, title="Ask for the TXID", body="Could you paste the TXID?", shared=True)
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="My USDT did not arrive"
    )
    conversation = chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
    return conversation


def test_sidebar_changes_reach_the_timeline(page, asgi_server, accepted_chat):
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/console/")
    sidebar = page.locator(".chat-context .tk-sidebar")
    expect(sidebar).to_be_visible(timeout=15000)
    expect(sidebar.locator(".tk-context")).to_contain_text("1250.5 USDT")
    expect(sidebar.locator("a.tk-txid")).to_have_attribute("href", "https://bscscan.com/tx/0x" + "cd" * 32)

    sidebar.locator("select[name=status]").select_option("pending")
    sidebar.locator("select[name=priority]").select_option("urgent")
    sidebar.locator("input[name=tags]").fill("wrong-chain, usdt")
    sidebar.get_by_role("button", name="Save changes").click()
    expect(page.locator(".chat-context .tk-saved")).to_be_visible()
    expect(page.locator(".chat-context .tk-badge").first).to_have_text("Pending")

    ticket = Ticket.objects.get(pk=accepted_chat.ticket_id)
    events = {e.kind: e for e in TimelineEvent.objects.filter(ticket=ticket)}
    assert events["ticket.status"].data == {"from": "open", "to": "pending"}
    assert events["ticket.status"].actor.email == "alice@test.example"
    assert events["ticket.priority"].data["to"] == "urgent"
    assert events["ticket.tags"].data["to"] == ["usdt", "wrong-chain"]

    # Canned reply: inserted into the composer, never sent by itself.
    sidebar = page.locator(".chat-context .tk-sidebar")
    sidebar.locator(".tk-canned-q").fill("txid")
    sidebar.get_by_role("button", name="Insert").first.click()
    expect(page.locator(".chat-pane:not([hidden]) .composer-input")).to_have_value("Could you paste the TXID?")
    assert not Message.objects.filter(body="Could you paste the TXID?").exists()
    screenshot(page, "tickets-console-sidebar")

    page.goto(f"{asgi_server}/tickets/{ticket.pk}/")
    # Each change reads as a sentence (tickets/timeline_words.py), with the labels people see, not the codes.
    expect(
        page.locator(".tk-sentence", has_text="Alice changed the ticket's status from Open to Pending.")
    ).to_be_visible()
    expect(page.locator(".tk-sentence", has_text="from Normal to Urgent")).to_be_visible()
    screenshot(page, "tickets-detail")
    assert page.js_errors == []


def test_ticket_list_page(page, asgi_server, accepted_chat):
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/tickets/")
    expect(page.locator("table.tk-list")).to_contain_text("My USDT did not arrive")
    page.get_by_label("VIP").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.tk-list tbody tr")).to_have_count(1)
    screenshot(page, "tickets-list")
    assert page.js_errors == []


def test_api_docs_render_offline_under_the_strict_csp(page, asgi_server):
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.goto(f"{asgi_server}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/tickets/")
    screenshot(page, "tickets-api-docs")
    assert page.js_errors == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def test_notes_and_canned_replies_pages(page, asgi_server, accepted_chat):
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/tickets/{accepted_chat.ticket_id}/")
    page.get_by_label("Internal note").fill("Customer confirmed the address on BscScan.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".tk-note")).to_have_text("Customer confirmed the address on BscScan.")
    assert TimelineEvent.objects.filter(ticket_id=accepted_chat.ticket_id, kind="ticket.note").count() == 1
    screenshot(page, "tickets-detail-note")

    page.goto(f"{asgi_server}/tickets/replies/")
    page.get_by_label("Title").fill("Thanks for waiting")
    page.get_by_label("Text").fill("Thank you for your patience, I'm still on it.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".tk-replies")).to_contain_text("Thanks for waiting")
    expect(page.locator(".tk-replies")).to_contain_text("Ask for the TXID")
    screenshot(page, "tickets-canned-replies")
    assert page.js_errors == []
