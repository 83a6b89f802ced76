"""Chromium, the real ASGI app, Redis and PostgreSQL: the customer panel's contact details stay masked until the
agent holding the chat reveals them (recorded; another agent is refused), a look-alike link is flagged on the message
with a one-click warning sent in the customer's language, and a pasted seed phrase never reaches a screen."""

import uuid

import pytest
from mnemonic import Mnemonic
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Message
from tests.chat import pages
from tests.chat.pages import DESK, agent_accepts, customer_says, off_the_loop, open_page, open_widget, pane_bubbles
from tests.conftest import login, require, screenshot
from tickets import services
from tickets.models import CustomerAccess

pytestmark = pytest.mark.browser

customer_page = pages.customer_page
agent_page = pages.agent_page


@pytest.fixture
def chat(asgi_server, alice, bob):
    require("postgres", "redis")
    customer = services.customer_upsert(
        external_id="demo-alice",
        name="Alice Moreau",
        email="alice.moreau@example.com",
        phone="+33 6 12 34 56 78",
        locale="ru",
    )
    services.deposit_address_upsert(customer=customer, chain="bsc", address="0x" + "ab" * 20)
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Где мой депозит?", locale="ru"
    )
    return chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)


def test_the_panel_is_masked_until_the_agent_holding_the_chat_reveals_it(chat, agent_page, browser, asgi_server):
    context = agent_page.locator(".chat-context .tk-context")
    expect(context.locator("[data-reveal-field=email]")).to_have_text("a•••@e•••.com", timeout=15000)
    expect(context.locator("[data-reveal-field=phone]")).to_have_text("+•• • •• •• •• 78")
    expect(context).to_contain_text("0x" + "ab" * 20)  # the customer's crypto addresses stay readable: work needs them
    assert "alice.moreau@example.com" not in agent_page.content()
    screenshot(agent_page, "safety-panel-masked")

    context.get_by_role("button", name="Reveal contact details").click()
    expect(context.locator("[data-reveal-field=email]")).to_have_text("alice.moreau@example.com")
    expect(context.locator("[data-reveal-field=phone]")).to_have_text("+33 6 12 34 56 78")
    expect(context.locator(".tk-reveal-status")).to_have_text("Revealed. This was recorded.")
    screenshot(agent_page, "safety-panel-revealed")
    reveal = CustomerAccess.objects.get(what="reveal")
    assert (reveal.staff.email, reveal.conversation_id, reveal.explained) == ("alice@test.example", chat.pk, True)
    assert CustomerAccess.objects.filter(what="panel", conversation_id=chat.pk).exists()

    other, page = open_page(browser, DESK)  # bob holds nothing of this customer's
    login(page, asgi_server, "bob@test.example", "pw-bob-123")
    page.goto(f"{asgi_server}/tickets/{chat.ticket_id}/")
    page.get_by_role("button", name="Reveal contact details").click()
    status = page.locator(".tk-reveal-status")
    expect(status).to_contain_text("Only the agent holding this customer's chat or ticket, or a supervisor")
    expect(page.locator("[data-reveal-field=email]")).to_have_text("a•••@e•••.com")
    screenshot(page, "safety-reveal-refused")
    assert CustomerAccess.objects.filter(what="reveal").count() == 1
    assert page.js_errors == [] and agent_page.js_errors == []
    other.close()


def test_a_look_alike_link_is_flagged_with_a_warning_sent_in_one_click(chat, agent_page, settings):
    settings.OFFICIAL_DOMAINS = ["demo-exchange.test", "binance.com"]
    off_the_loop(
        chat_services.customer_message_post,
        customer=chat.customer,
        conversation_id=chat.pk,
        client_msg_id=uuid.uuid4(),
        body="Мне написали с https://demo-exchange-support.test/verify — это вы?",
    )
    pane = agent_page.locator(".chat-pane:not([hidden])")
    flag = pane.locator(".msg-lookalike")
    expect(flag).to_contain_text("demo-exchange-support.test imitates demo-exchange.test", timeout=15000)
    screenshot(agent_page, "safety-lookalike-flagged")
    flag.get_by_role("button", name="Warn the customer").click()
    expect(flag.locator(".msg-lookalike-status")).to_have_text("Warning sent to the customer.")
    warning = pane_bubbles(pane, "demo-exchange-support[.]test")
    expect(warning).to_contain_text("не наш сайт")  # the customer reads Russian
    sent = Message.objects.filter(conversation_id=chat.pk, author_role="agent").order_by("-staff_seq").first()
    assert sent.body.startswith("Будьте осторожны: demo-exchange-support[.]test")
    expect(pane.locator(".msg-lookalike")).to_have_count(1)  # our own warning names the host defanged: no new flag
    screenshot(agent_page, "safety-lookalike-warned")
    assert agent_page.js_errors == []


def test_a_pasted_seed_phrase_shows_as_removed_on_both_screens(customer_page, agent_page, asgi_server):
    phrase = Mnemonic("english").to_mnemonic(bytes(range(100, 116)))
    widget = open_widget(customer_page, asgi_server, user="demo-alice")
    customer_says(widget, "Hi, my wallet is empty")
    pane = agent_accepts(agent_page, "Alice Moreau")
    customer_says(widget, f"support told me to send this: {phrase}")
    card = widget.locator('.card-message[data-card-type="safety.secret_removed"]')
    expect(card).to_contain_text("Support will never ask for your recovery (seed) phrase", timeout=15000)
    expect(widget.locator("#w-messages")).to_contain_text("support told me to send this: [seed phrase removed]")
    screenshot(customer_page, "safety-widget-secret-removed")
    expect(pane.locator(".msg-redacted")).to_contain_text("The customer pasted a seed phrase")
    expect(pane_bubbles(pane, "[seed phrase removed]")).to_have_count(1)
    screenshot(agent_page, "safety-console-secret-removed")
    words = " ".join(phrase.split()[3:6])
    for page in (customer_page, agent_page):
        assert all(words not in frame.content() for frame in page.frames)
        assert page.js_errors == []
