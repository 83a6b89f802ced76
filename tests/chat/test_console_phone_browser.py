"""The agent console on a phone (390 by 844 px): one pane at a time — the list, then a chat full width with a way back,
its ticket on demand — with the composer in sight, thumb-sized controls, the connection and unread counts shown.
The desktop console (1280 px) keeps its three columns."""

import uuid

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Conversation, Message, ReadState
from tests.chat import pages
from tests.chat.pages import (
    DESK,
    PHONE,
    agent_says,
    customer_bubbles,
    customer_says,
    off_the_loop,
    open_page,
    open_widget,
)
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser

customer_page = pages.customer_page
THUMB = 44  # px: the smallest tap target we allow


@pytest.fixture
def phone_agent(browser, asgi_server, alice):
    context, page = pages.console_as_alice(browser, asgi_server, PHONE)
    yield page
    context.close()


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on screen"
    return found


def assert_thumb_sized(page, selector: str) -> None:
    """Every control matching `selector` that is on screen is at least THUMB px both ways (measured in one go: the
    queue re-renders while we look)."""
    sizes = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
             .filter(node => node.checkVisibility())
             .map(node => { const r = node.getBoundingClientRect();
                            return [node.textContent.trim() || node.className, r.width, r.height]; })""",
        selector,
    )
    assert sizes, f"nothing matches {selector}"
    small = [size for size in sizes if size[1] < THUMB or size[2] < THUMB]
    assert small == []


def assert_latest_words_above_the_composer(page, words: str) -> None:
    """The last bubble of the chat in front is whole and not hidden under the composer, which sticks to the bottom."""
    last, composer, pane = page.evaluate(
        """() => { const pane = document.querySelector('.chat-pane:not([hidden])');
                   const bubbles = pane.querySelectorAll('.msg-body');
                   const last = bubbles[bubbles.length - 1];
                   return [{text: last.textContent, bottom: last.getBoundingClientRect().bottom},
                           pane.querySelector('.composer').getBoundingClientRect().top,
                           pane.querySelector('.pane-main').getBoundingClientRect().top]; }"""
    )
    assert last["text"] == words
    assert pane < last["bottom"] <= composer, (last, composer)


def agent_read_up_to(conversation) -> int:
    state = ReadState.objects.filter(conversation=conversation, agent__email="alice@test.example").first()
    return state.last_read_seq if state else 0


def wait_for(check, page, tries: int = 50) -> bool:
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(100)
    return False


def assert_fits_the_width(page) -> None:
    """Nothing wider than the phone: no sideways scrolling of the page."""
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_an_agent_on_a_phone_takes_a_chat_replies_reads_the_ticket_and_goes_back(
    customer_page, phone_agent, asgi_server
):
    agent = phone_agent
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "My USDT deposit has not arrived since this morning")

    # The list: the connection, the queue, the agent's chats; no chat pane squeezed beside it.
    item = agent.locator(".queue-item", has_text="Alice Moreau")
    expect(item).to_be_visible()
    expect(agent.locator("#connection")).to_be_visible()
    expect(agent.locator("#connection")).to_have_text("Connected")
    expect(agent.locator("#panes")).to_be_hidden()
    assert box(item)["width"] >= PHONE["width"] - 40
    assert_thumb_sized(agent, ".console button, .console select, .topbar nav a, .topbar button")
    assert_fits_the_width(agent)
    agent.locator("#toast").evaluate("node => node.hidden = true")  # the offer toast, for a calm picture
    screenshot(agent, "console-phone-list")

    # Accept: the chat takes the whole screen, with the way back and the composer in sight.
    item.get_by_role("button", name="Accept").click()
    pane = agent.locator(".chat-pane:not([hidden])")
    expect(pane.locator(".pane-name")).to_have_text("Alice Moreau")
    expect(pane.locator(".pane-name")).to_be_focused()  # not the composer: the keyboard would cover the words
    expect(agent.locator(".queue-list")).to_be_hidden()
    expect(agent.locator("#connection")).to_be_visible()
    back = pane.get_by_role("button", name="Chats")
    expect(back).to_be_visible()
    assert box(pane)["width"] == PHONE["width"]
    expect(pane.locator(".pane-messages .msg-body", has_text="has not arrived")).to_be_visible()

    agent_says(pane, "I'm here. Let me look at your deposit.")
    expect(customer_bubbles(widget, "Let me look at your deposit")).to_have_count(1)
    composer = pane.locator(".composer-input")
    expect(composer).to_be_in_viewport(ratio=1)
    expect(pane.locator(".composer-send")).to_be_in_viewport(ratio=1)
    assert_thumb_sized(agent, ".chat-pane:not([hidden]) :is(button, .composer-mode label)")
    assert_fits_the_width(agent)
    expect(pane.locator(".tk-sidebar")).to_be_hidden()  # the ticket waits behind its button
    screenshot(agent, "console-phone-chat")

    # The keyboard opens: the page shrinks to what is left above it; the composer and the latest words stay in sight.
    for words in ("Which network did you choose?", "And the amount?", "Do you have the TXID?"):
        agent_says(pane, words)
    composer.click()
    agent.set_viewport_size({"width": PHONE["width"], "height": 480})
    expect(composer).to_be_in_viewport(ratio=1)
    expect(pane.locator(".composer-send")).to_be_in_viewport(ratio=1)
    expect(pane.locator(".pane-messages .msg-body", has_text="TXID")).to_be_visible()
    assert_latest_words_above_the_composer(agent, "Do you have the TXID?")
    screenshot(agent, "console-phone-chat-keyboard")
    agent.set_viewport_size(PHONE)

    # The ticket and the customer: in place of the messages, then back to them.
    details = pane.get_by_role("button", name="Ticket")
    details.click()
    expect(details).to_have_attribute("aria-expanded", "true")
    sidebar = pane.locator(".chat-context .tk-sidebar")
    expect(sidebar).to_be_visible()
    expect(sidebar.locator(".tk-context")).to_contain_text("Alice Moreau")
    expect(pane.locator(".pane-messages")).to_be_hidden()
    assert box(sidebar)["width"] >= PHONE["width"] - 40
    assert_thumb_sized(agent, ".chat-context :is(button, select, input, summary)")
    assert_fits_the_width(agent)
    screenshot(agent, "console-phone-details")
    details.click()
    expect(details).to_have_attribute("aria-expanded", "false")
    expect(pane.locator(".pane-messages .msg-body", has_text="Let me look")).to_be_visible()

    # Back to the list: the chat is there, and what the customer writes meanwhile is counted, not read.
    back.click()
    tab = agent.get_by_role("tab", name="Alice Moreau")
    expect(tab).to_be_visible()
    expect(tab).to_be_focused()
    expect(agent.get_by_role("heading", name="Waiting")).to_be_visible()
    customer_says(widget, "Thank you, it was 250 USDT")
    expect(tab.locator(".unread")).to_have_text("1")
    expect(agent).to_have_title("(1) Console · Helpdesk")
    conversation = Conversation.objects.get()
    latest = Message.objects.get(conversation=conversation, body__contains="250 USDT")
    assert agent_read_up_to(conversation) < latest.staff_seq  # counted as unread, not marked read behind her back
    screenshot(agent, "console-phone-list-unread")

    tab.click()
    expect(pane.locator(".pane-messages .msg-body", has_text="250 USDT")).to_be_visible()
    expect(agent.locator(".chat-tab .unread")).to_have_text("")  # the list is out of sight now: no role to find
    assert wait_for(lambda: agent_read_up_to(conversation) == latest.staff_seq, agent)
    assert conversation.assignee.email == "alice@test.example"
    assert agent.js_errors == []


def test_unread_in_another_chat_shows_on_the_way_back(browser, customer_page, phone_agent, asgi_server):
    context, second = open_page(browser, PHONE)
    try:
        alice_widget = open_widget(customer_page, asgi_server, user="demo-alice")
        customer_says(alice_widget, "First question")
        ivan_widget = open_widget(second, asgi_server, user="demo-ivan")
        customer_says(ivan_widget, "Второй вопрос")
        expect(phone_agent.locator(".queue-item")).to_have_count(2)
        for name in ("Alice Moreau", "Иван Петров"):
            phone_agent.locator(".queue-item", has_text=name).get_by_role("button", name="Accept").click()
            pane = phone_agent.locator(".chat-pane:not([hidden])")
            expect(pane.locator(".pane-name")).to_have_text(name)
            if name == "Alice Moreau":
                # She has read Alice's question in the pane before she goes back to the list (as a person would);
                # leaving before the history arrives would rightly leave it unread.
                expect(pane.locator(".pane-messages .msg-body", has_text="First question")).to_be_visible()
                pane.get_by_role("button", name="Chats").click()

        customer_says(alice_widget, "Still there?")
        back = pane.locator(".pane-back")
        expect(back.locator(".back-unread")).to_have_text("1")
        expect(back).to_be_visible()
        screenshot(phone_agent, "console-phone-chat-unread-elsewhere")
        back.click()
        expect(phone_agent.get_by_role("tab", name="Alice Moreau").locator(".unread")).to_have_text("1")
        assert phone_agent.js_errors == []
    finally:
        context.close()


def test_the_desktop_console_keeps_its_columns(browser, customer_page, asgi_server, alice):
    context, agent = open_page(browser, DESK)
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        widget = open_widget(customer_page, asgi_server)
        customer_says(widget, "Hello from a desk")
        agent.locator(".queue-item").get_by_role("button", name="Accept").click()
        pane = agent.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".composer-input")).to_be_focused()
        expect(pane.locator(".tk-sidebar")).to_be_visible()
        queue, messages = box(agent.locator(".queue")), box(pane.locator(".pane-main"))
        context_box = box(pane.locator(".chat-context"))
        assert queue["width"] == 300 and context_box["width"] == 320
        assert queue["x"] + queue["width"] <= messages["x"] < context_box["x"]  # side by side
        expect(agent.locator(".topbar")).to_be_visible()
        expect(agent.get_by_role("tab", name="Alice Moreau")).to_be_visible()
        for hidden in (".pane-back", ".details-toggle", ".chats-heading"):
            expect(agent.locator(hidden).first).to_be_hidden()
        agent_says(pane, "Hello from the console")
        expect(customer_bubbles(widget, "Hello from the console")).to_have_count(1)
        screenshot(agent, "console-desktop-1280")
        assert agent.js_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_long_chat_opens_at_its_latest_words(browser, asgi_server, alice, customer, size):
    """A chat longer than the screen opens scrolled to its end, the latest words just above the composer."""

    def long_chat():
        first = chat_services.customer_message_post(
            customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my deposit?"
        )
        conversation_id = first.message.conversation_id
        chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
        for n in range(1, 25):
            chat_services.agent_message_post(
                agent=alice, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=f"Step {n} of the check"
            )

    off_the_loop(long_chat)
    context, agent = open_page(browser, PHONE if size == "phone" else DESK)
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        if size == "phone":
            agent.get_by_role("tab", name="Carla Customer").click()  # the phone starts on the list
        pane = agent.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".msg-body", has_text="Step 24 of the check")).to_be_visible()
        assert_latest_words_above_the_composer(agent, "Step 24 of the check")
        screenshot(agent, f"console-long-chat-{size}")
        assert agent.js_errors == []
    finally:
        context.close()
