"""The widget and the console with the keyboard alone: focus order, visible focus, Enter sends, Escape closes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login, require
from tests.i18n.browser import DESK, PEOPLE, agent_answers, new_page, serve_token

pytestmark = pytest.mark.browser

FOCUS_RING = (
    "node => { const s = getComputedStyle(node); return s.outlineStyle !== 'none' && s.outlineWidth !== '0px'; }"
)


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus (what a keyboard user does), failing after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_widget_by_keyboard_alone(browser, asgi_server, alice):
    require("postgres", "redis")
    context, page = new_page(browser, DESK)
    sub, name, words, answer = PEOPLE["en"]
    try:
        serve_token(page, sub=sub, name=name, locale="en")
        page.goto(f"{asgi_server}/demo/exchange/?user={sub}")
        launcher = page.locator(".helpdesk-launcher")
        tab_to(page, ".helpdesk-launcher")
        assert launcher.evaluate(FOCUS_RING)
        expect(launcher).to_have_attribute("aria-expanded", "false")

        page.keyboard.press("Enter")  # opens the chat, focus lands in the message box
        widget = page.frame_locator("#helpdesk-frame")
        expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
        expect(launcher).to_have_attribute("aria-expanded", "true")
        expect(widget.locator("#w-input")).to_be_focused()
        assert widget.locator("#w-input").evaluate(FOCUS_RING)

        page.keyboard.type(words)
        page.keyboard.press("Enter")  # Enter sends; Shift+Enter would add a line
        expect(widget.locator("#w-messages .msg-customer .msg-body", has_text=words)).to_have_count(1)
        expect(widget.locator("#w-input")).to_have_value("")

        agent_answers(alice, sub, answer)  # arrives inside the polite live region, so it is read out
        expect(widget.locator("#w-messages[aria-live=polite] .msg-agent .msg-body", has_text=answer)).to_have_count(1)

        page.keyboard.press("Tab")  # from the message box to its Send button, with a visible ring
        expect(widget.locator(".w-send")).to_be_focused()
        assert widget.locator(".w-send").evaluate(FOCUS_RING)

        page.keyboard.press("Escape")  # closes the window and gives the focus back to the launcher
        expect(page.locator("#helpdesk-frame")).to_be_hidden()
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        assert page.js_errors == []
    finally:
        context.close()


def test_every_widget_control_has_a_name(browser, asgi_server):
    require("postgres", "redis")
    context, page = new_page(browser, DESK)
    try:
        serve_token(page, sub="i18n-names", name="Noor", locale="ar")
        page.goto(f"{asgi_server}/demo/exchange/?user=i18n-names")
        page.locator(".helpdesk-launcher").click()
        widget = page.frame_locator("#helpdesk-frame")
        expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
        expect(widget.get_by_role("textbox", name="رسالتك")).to_be_visible()
        expect(widget.get_by_role("button", name="إرسال")).to_be_visible()
        expect(widget.get_by_role("button", name="إغلاق نافذة المحادثة")).to_be_visible()
        expect(widget.get_by_role("status")).to_have_text("متصل")
    finally:
        context.close()


def test_console_by_keyboard_alone(browser, asgi_server, alice):
    require("postgres", "redis")
    customer, customer_page = new_page(browser, DESK)
    agent, console = new_page(browser, DESK)
    sub, name, words, _answer = PEOPLE["ru"]
    try:
        serve_token(customer_page, sub=sub, name=name, locale="ru")
        customer_page.goto(f"{asgi_server}/demo/exchange/?user={sub}")
        customer_page.locator(".helpdesk-launcher").click()
        widget = customer_page.frame_locator("#helpdesk-frame")
        expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
        widget.locator("#w-input").fill(words)
        widget.locator("#w-input").press("Enter")

        login(console, asgi_server, "alice@test.example", "pw-alice-123")
        console.goto(f"{asgi_server}/console/")
        expect(console.locator("#connection")).to_have_attribute("data-state", "online")
        expect(console.locator(".queue-item", has_text=name)).to_have_count(1)
        tab_to(console, ".queue-item .accept")
        assert console.evaluate(f"() => ({FOCUS_RING})(document.activeElement)")
        console.keyboard.press("Enter")  # accept: the chat opens with the focus in its composer

        pane = console.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".pane-name")).to_have_text(name)
        expect(pane.locator(".composer-input")).to_be_focused()
        expect(pane.locator(".pane-messages[aria-live=polite] .msg-body", has_text=words)).to_have_count(1)
        console.keyboard.type("Здравствуйте, Иван! Сейчас посмотрю.")
        console.keyboard.press("Enter")
        expect(widget.locator("#w-messages .msg-agent .msg-body", has_text="Сейчас посмотрю")).to_have_count(1)

        # The transfer dialog opens from the keyboard and Escape closes it, focus back where it was.
        tab_to(console, ".chat-pane:not([hidden]) .transfer-open")
        console.keyboard.press("Enter")
        expect(pane.locator(".transfer-dialog")).to_be_visible()
        console.keyboard.press("Escape")
        expect(pane.locator(".transfer-dialog")).to_be_hidden()
        expect(pane.locator(".transfer-open")).to_be_focused()
        assert console.js_errors == []
    finally:
        customer.close()
        agent.close()
