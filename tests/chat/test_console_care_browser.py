"""The console keeps the agent informed (issue 15, "the agent"): the composer says which mode it is in and goes back to
Reply after a note; the transfer dialog lists who is here now; the console in a background tab notifies; the
helpdesk's own lines and cards read in the agent's language with the customer's version a click away."""

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from accounts.models import Presence, User
from chat import services as chat_services
from chat.models import Conversation
from tests.chat import pages
from tests.chat.pages import DESK, agent_accepts, customer_says, off_the_loop, open_page, open_widget
from tests.conftest import login, screenshot
from tickets import services as tickets_services

pytestmark = pytest.mark.browser

customer_page = pages.customer_page
agent_page = pages.agent_page

# The browser's own notifications and sound, recorded as they are made (the real ones still run underneath), and a
# way to put the console in a background tab: Chromium driven by Playwright always reports its pages as visible.
SPY = """
window.__shown = []; window.__asked = 0; window.__chimes = 0;
const RealNotification = window.Notification;
class SpyNotification extends RealNotification {
  constructor(title, options) { super(title, options); window.__shown.push({ title, body: options?.body || "" }); }
}
// A fresh profile's "default" (headless Chromium answers "denied" without asking anyone) and the agent saying yes.
Object.defineProperty(SpyNotification, "permission", { get: () => window.__permission || RealNotification.permission });
SpyNotification.requestPermission = async () => {
  window.__asked += 1;
  window.__permission = "granted";
  return "granted";
};
window.Notification = SpyNotification;
const createOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__chimes += 1; return createOscillator.call(this); };
let hidden = false;
Object.defineProperty(Document.prototype, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
Object.defineProperty(Document.prototype, "hidden", { get: () => hidden });
window.__background = (value) => { hidden = value; document.dispatchEvent(new Event("visibilitychange")); };
"""


def eventually(check, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_the_composer_says_its_mode_and_goes_back_to_reply_after_a_note(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Hello, my deposit is late")
    pane = agent_accepts(agent_page)
    hint = pane.locator(".composer-hint")
    expect(hint).to_have_text("Replying to Alice Moreau")
    pane.get_by_label("Internal note").check()
    expect(hint).to_have_text("Writing an internal note: only staff see it")
    expect(pane.locator(".composer-send")).to_have_text("Add note")
    pane.locator(".composer-input").fill("Checked the address: it is ours.")
    pane.locator(".composer-input").press("Enter")
    expect(pane.locator(".msg-kind-note .msg-body", has_text="it is ours")).to_have_count(1)
    # The next words go to the customer, and the composer says so.
    expect(pane.get_by_label("Reply", exact=True)).to_be_checked()
    expect(hint).to_have_text("Replying to Alice Moreau")
    expect(pane.locator(".composer-send")).to_have_text("Send")
    expect(pane.locator(".composer")).not_to_have_class(re.compile("note-mode"))
    screenshot(agent_page, "console-composer-after-note-1280")


def test_the_transfer_dialog_lists_who_is_here_now_and_the_chat_follows_to_bob(
    browser, customer_page, agent_page, asgi_server, bob, sofia
):
    widget = open_widget(customer_page, asgi_server)
    customer_says(widget, "Can someone check my BSC deposit?")
    pane = agent_accepts(agent_page)
    # Bob opens his console after Alice's page loaded, then steps away: the dialog shows it all the same.
    bob_context, bob_page = open_page(browser, DESK)
    login(bob_page, asgi_server, "bob@test.example", "pw-bob-123")
    bob_page.goto(f"{asgi_server}/console/")
    expect(bob_page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
    bob_page.locator("#presence").select_option("away")
    assert eventually(lambda: User.objects.get(pk=bob.pk).presence == Presence.AWAY)
    try:
        pane.get_by_role("button", name="Transfer").click()
        dialog = pane.locator(".transfer-dialog")
        options = dialog.locator(".agent-option")
        expect(options).to_have_count(2)  # Bob and Sofia; not Alice herself
        expect(options.nth(0)).to_contain_text("Bob")
        expect(options.nth(0).locator(".agent-state")).to_have_text("Away")
        expect(options.nth(0).locator(".agent-load")).to_have_text("chats now: 0")
        expect(options.nth(1)).to_contain_text("Sofia")
        expect(options.nth(1).locator(".agent-state")).to_have_text("Offline")  # no console of hers is open
        expect(dialog.locator("input[type=radio]:checked")).to_have_count(0)  # nobody chosen for her
        dialog.get_by_role("button", name="Transfer").click()
        expect(dialog.locator(".transfer-error")).to_have_text("Choose an agent.")
        screenshot(agent_page, "console-transfer-dialog-1280")
        options.nth(0).locator("input").check()
        dialog.locator("textarea").fill("Deposit address checked; needs the BSC lookup.")
        dialog.get_by_role("button", name="Transfer").click()

        # The giver's tab says where the chat went; the receiver's sidebar names him as the assignee.
        tab = agent_page.get_by_role("tab", name=re.compile("Alice Moreau"))
        expect(tab.locator(".tab-note")).to_have_text("Now with Bob")
        expect(agent_page.locator("#toast")).to_have_text("Alice Moreau's chat is now with Bob.")
        bob_pane = bob_page.locator(".chat-pane:not([hidden])")
        expect(bob_pane.locator(".pane-name")).to_have_text("Alice Moreau", timeout=10000)
        expect(bob_pane.locator(".tk-sidebar")).to_contain_text("Assignee: Bob", timeout=10000)
        screenshot(bob_page, "console-transfer-received-1280")
        conversation = Conversation.objects.select_related("ticket").get()
        assert conversation.assignee_id == bob.pk and conversation.ticket.assignee_id == bob.pk
    finally:
        bob_context.close()


def test_a_console_in_the_background_notifies_with_the_count_in_its_title(browser, asgi_server, alice, customer_page):
    context = browser.new_context(viewport=DESK)
    context.grant_permissions(["notifications"], origin=asgi_server)
    context.add_init_script(SPY)
    agent = context.new_page()
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        expect(agent.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
        assert agent.evaluate("window.__asked") == 0  # never asked on load
        expect(agent.locator("#notify-sound")).not_to_be_checked()  # the sound is off until the agent wants it
        agent.locator("#notify-sound").check()
        assert agent.evaluate("localStorage.getItem('helpdesk.console.sound')") == "on"

        agent.evaluate("window.__background(true)")
        widget = open_widget(customer_page, asgi_server)
        customer_says(widget, "Is anybody there?")
        waiting = [{"title": "A customer is waiting", "body": "Alice Moreau: Is anybody there?"}]
        assert eventually(lambda: agent.evaluate("window.__shown") == waiting), agent.evaluate("window.__shown")
        expect(agent).to_have_title("(1) Console · Helpdesk")
        assert agent.evaluate("window.__chimes") >= 2  # the chime's two notes
        agent.evaluate("window.__background(false)")
        expect(agent).to_have_title("Console · Helpdesk")

        pane = agent_accepts(agent)
        expect(pane.locator(".msg-body", has_text="Is anybody there?")).to_be_visible()  # read, in front
        agent.evaluate("window.__background(true)")
        customer_says(widget, "I sent USDT two hours ago")
        assert eventually(lambda: len(agent.evaluate("window.__shown")) == 2), agent.evaluate("window.__shown")
        assert agent.evaluate("window.__shown")[1] == {
            "title": "New message from Alice Moreau",
            "body": "I sent USDT two hours ago",
        }
        expect(agent).to_have_title("(1) Console · Helpdesk")
        agent.evaluate("window.__background(false)")
        expect(pane.locator(".msg-body", has_text="two hours ago")).to_be_visible()

        # After a reload the sound switch is still on (remembered), and still nothing asked on load.
        agent.reload()
        expect(agent.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
        expect(agent.locator("#notify-sound")).to_be_checked()
        assert agent.evaluate("window.__asked") == 0
    finally:
        context.close()


def test_permission_is_asked_on_a_click(browser, asgi_server, alice):
    context = browser.new_context(viewport=DESK)
    context.add_init_script(SPY + 'window.__permission = "default";')
    agent = context.new_page()
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        expect(agent.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
        ask = agent.get_by_role("button", name="Notify me when the console is in the background")
        expect(ask).to_be_visible()
        screenshot(agent, "console-notify-controls-1280")
        assert agent.evaluate("window.__asked") == 0
        ask.click()
        assert eventually(lambda: agent.evaluate("window.__asked") == 1)
        expect(ask).to_be_hidden()
        expect(agent.locator("#notify-state")).to_have_text("Notifications are on.")
    finally:
        context.close()


def test_a_russian_customers_lines_and_cards_read_in_english_with_russian_a_click_away(
    browser, asgi_server, alice, customer_page
):
    context = browser.new_context(viewport=DESK, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=asgi_server)
    agent = context.new_page()
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        expect(agent.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
        widget = open_widget(customer_page, asgi_server, user="demo-ivan")
        customer_says(widget, "Здравствуйте, помогите")
        pane = agent_accepts(agent, "Иван Петров")
        line = pane.locator("li.msg-system:not(.msg-kind-card)").first
        expect(line.locator(".msg-body")).to_have_text("Alice joined the chat.")
        expect(pane.locator(".msg-system", has_text="теперь в чате")).to_have_count(0)
        line.get_by_role("button", name="As the customer sees it").click()
        expect(line.locator(".msg-body")).to_have_text("Alice теперь в чате.")
        expect(line.get_by_role("button", name="In my language")).to_have_attribute("aria-pressed", "true")

        # The walkthrough's cards: English here, Russian in the widget, framed as cards.
        pane.get_by_role("button", name="Wrong-network help").click()
        card = pane.locator('.card-message[data-card-type="recovery.asset"]')
        expect(card.locator(".card-title")).to_have_text("Let's find your transfer")
        expect(widget.locator('.card-message[data-card-type="recovery.asset"] .card-title')).to_have_text(
            "Давайте найдём ваш перевод"
        )
        frame = card.locator("xpath=ancestor::div[contains(@class,'msg-body')]")
        assert frame.evaluate("node => parseFloat(getComputedStyle(node).borderTopWidth)") >= 1
        item = card.locator("xpath=ancestor::li")
        item.get_by_role("button", name="As the customer sees it").click()
        expect(item.locator(".card-title")).to_have_text("Давайте найдём ваш перевод")
        item.get_by_role("button", name="USDT").click()  # answering from either view works
        expect(pane.locator('.card-message[data-card-type="recovery.used_chain"] .card-title')).to_have_text(
            "Which network did you send on?"
        )
        expect(item.get_by_role("button", name="USDT")).to_be_disabled()
        item.get_by_role("button", name="In my language").click()
        expect(item.get_by_role("button", name="USDT")).to_be_disabled()  # still answered in English
        screenshot(agent, "console-reader-language-1280")
    finally:
        context.close()


def test_an_agent_copies_a_whole_address_from_a_card(browser, asgi_server, alice):
    """The copy block (docs/cards.md) puts the full value on the clipboard."""
    address = "0x8ba1f109551bd432803012645ac136ddd64dba72"

    def a_chat_with_a_copy_card():
        customer = tickets_services.customer_upsert(external_id="copy-1", name="Nadia", locale="en")
        posted = chat_services.customer_message_post(
            customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
        )
        chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
        chat_services.system_message_post(
            conversation_id=posted.message.conversation_id,
            kind="card",
            body=f"Sent to {address}",
            payload={
                "type": "test.copy",
                "title": "Where it went",
                "blocks": [{"copy": {"label": "Sent to", "value": address}}],
            },
        )

    off_the_loop(a_chat_with_a_copy_card)
    context = browser.new_context(viewport=DESK)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=asgi_server)
    agent = context.new_page()
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        block = agent.locator(".card-copy")
        expect(block.locator(".card-copy-value")).to_have_text(address, timeout=15000)
        value = block.locator(".card-copy-value").bounding_box()
        assert value["height"] < 30  # one line, never broken mid-address
        block.get_by_role("button", name="Copy").click()
        expect(block.get_by_role("button", name="Copied")).to_be_visible()
        assert agent.evaluate("navigator.clipboard.readText()") == address
    finally:
        context.close()
