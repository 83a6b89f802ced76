"""The agent console: queue order, several chats at once with unread counts, drafts that survive a reload,
the hooks other modules build on, presence and ending a chat."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from chat.models import Conversation
from tests.chat import pages
from tests.chat.pages import PHONE, agent_accepts, agent_says, customer_bubbles, customer_says, open_page, open_widget
from tests.conftest import screenshot

pytestmark = pytest.mark.browser

customer_page = pages.customer_page
agent_page = pages.agent_page


@pytest.fixture
def second_customer(browser, asgi_server):
    context, page = open_page(browser, PHONE)
    yield page
    context.close()


def test_queue_puts_vip_first_and_several_chats_run_at_once(customer_page, second_customer, agent_page, asgi_server):
    alice_widget = open_widget(customer_page, asgi_server, user="demo-alice")
    customer_says(alice_widget, "I was first")
    expect(agent_page.locator(".queue-item")).to_have_count(1)
    ivan_widget = open_widget(second_customer, asgi_server, user="demo-ivan")
    customer_says(ivan_widget, "Я VIP, помогите")
    expect(agent_page.locator(".queue-item")).to_have_count(2)
    names = agent_page.locator(".queue-item .queue-name").all_inner_texts()
    assert names == ["Иван Петров", "Alice Moreau"]  # VIP first, then the longest waiting
    expect(agent_page.locator(".queue-item").first.locator(".vip-badge")).to_have_text("VIP")
    expect(agent_page.locator(".queue-item").first.locator(".locale")).to_have_text("ru")

    agent_accepts(agent_page, "Alice Moreau")
    ivan_pane = agent_accepts(agent_page, "Иван Петров")
    expect(agent_page.get_by_role("tab")).to_have_count(2)
    agent_says(ivan_pane, "Здравствуйте, Иван")
    expect(customer_bubbles(ivan_widget, "Здравствуйте")).to_have_count(1)

    # Alice writes while Ivan's chat is in front: her tab counts it.
    customer_says(alice_widget, "Are you still there?")
    alice_tab = agent_page.get_by_role("tab", name="Alice Moreau")
    expect(alice_tab.locator(".unread")).to_have_text("1")
    customer_says(alice_widget, "Hello?")
    expect(alice_tab.locator(".unread")).to_have_text("2")
    expect(agent_page).to_have_title("(2) Console · Helpdesk")
    screenshot(agent_page, "console-two-chats-1280")
    alice_tab.click()
    expect(alice_tab.locator(".unread")).to_have_text("")
    alice_pane = agent_page.locator(".chat-pane:not([hidden])")
    expect(alice_pane.locator(".msg-body", has_text="Hello?")).to_have_count(1)
    assert Conversation.objects.filter(assignee__email="alice@test.example", status="active").count() == 2


def test_a_draft_survives_a_reload_and_hooks_fire(customer_page, agent_page, asgi_server):
    agent_page.add_init_script(
        "window.__opened = []; document.addEventListener('helpdesk:chat-opened', e => window.__opened.push("
        "{conversationId: e.detail.conversationId, ticketId: e.detail.ticketId, customerId: e.detail.customerId,"
        " isAside: e.detail.element instanceof HTMLElement && e.detail.element.matches('aside.chat-context')}));"
    )
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Hi there")
    pane = agent_accepts(agent_page)
    conversation = Conversation.objects.get()
    pane.locator(".composer-input").fill("A long answer I have not finished")
    agent_page.reload()
    pane = agent_page.locator(".chat-pane:not([hidden])")
    expect(pane.locator(".composer-input")).to_have_value("A long answer I have not finished")
    expect(pane.locator(".msg-body", has_text="Hi there")).to_have_count(1)

    aside = pane.locator("aside.chat-context")
    expect(aside).to_have_attribute("data-conversation-id", str(conversation.pk))
    expect(aside).to_have_attribute("data-ticket-id", str(conversation.ticket_id))
    expect(aside).to_have_attribute("data-customer-id", str(conversation.customer_id))
    opened = agent_page.evaluate("window.__opened")
    assert opened == [
        {
            "conversationId": conversation.pk,
            "ticketId": conversation.ticket_id,
            "customerId": conversation.customer_id,
            "isAside": True,
        }
    ]

    agent_page.evaluate(
        "id => document.dispatchEvent(new CustomEvent('helpdesk:insert-text', "
        "{detail: {conversationId: id, text: ' (canned text)'}}))",
        conversation.pk,
    )
    expect(pane.locator(".composer-input")).to_have_value("A long answer I have not finished (canned text)")
    pane.locator(".composer-input").press("Enter")
    expect(customer_bubbles(widget, "(canned text)")).to_have_count(1)
    agent_page.reload()
    expect(agent_page.locator(".chat-pane:not([hidden]) .composer-input")).to_have_value("")


def test_presence_is_informational_and_end_closes_the_chat(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Quick question")
    pane = agent_accepts(agent_page)
    agent_page.locator("#presence").select_option("away")
    alice = User.objects.get(email="alice@test.example")
    for _ in range(50):
        alice.refresh_from_db()
        if alice.presence == "away":
            break
        agent_page.wait_for_timeout(100)
    assert alice.presence == "away"
    assert Conversation.objects.get().assignee == alice  # away changes nothing about who holds the chat

    pane.get_by_role("button", name="End chat").click()
    pane.get_by_role("button", name="Yes, end it").click()
    expect(pane.locator(".pane-status")).to_have_text("Ended")
    expect(customer_bubbles(widget, "ended the chat")).to_have_count(1)
    expect(widget.locator("#w-end")).to_be_hidden()
    assert Conversation.objects.get().status == "ended"
    pane.get_by_role("button", name="Close").click()
    expect(agent_page.get_by_role("tab")).to_have_count(0)
    screenshot(agent_page, "console-empty-1280")


def test_typing_shows_on_both_sides_but_never_while_writing_a_note(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Hello")
    pane = agent_accepts(agent_page)
    widget.locator("#w-input").press_sequentially("I am typ")
    expect(pane.locator(".pane-typing")).to_be_visible()

    pane.get_by_label("Internal note").check()
    pane.locator(".composer-input").press_sequentially("secret thoughts")
    agent_page.wait_for_timeout(1500)
    expect(widget.locator("#w-typing")).to_be_hidden()  # a note being written tells the customer nothing

    pane.get_by_label("Reply").check()
    pane.locator(".composer-input").fill("")
    pane.locator(".composer-input").press_sequentially("Let me check")
    expect(widget.locator("#w-typing")).to_be_visible()
    pane.locator(".composer-input").press("Enter")
    expect(customer_bubbles(widget, "Let me check")).to_have_count(1)
    expect(widget.locator("#w-typing")).to_be_hidden()
