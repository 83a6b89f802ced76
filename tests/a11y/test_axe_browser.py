"""axe-core over every page a customer or an agent works in: no serious or critical findings, in English and Arabic."""

import pytest
from playwright.sync_api import expect

from tests.a11y.axe import AXE, serious_violations, widget_frame
from tests.conftest import login, require, screenshot
from tests.i18n.browser import DESK, PEOPLE, PHONE, agent_answers, customer_says, new_page, open_widget_as

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-GB", "ar"])
def test_login_page(browser, asgi_server, locale):
    require("node")
    assert AXE.is_file()
    context, page = new_page(browser, DESK, locale=locale, bypass_csp=True)
    try:
        page.goto(f"{asgi_server}/login/")
        assert serious_violations(page) == []
        screenshot(page, f"a11y-login-{locale}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_widget_during_a_chat(browser, asgi_server, alice, lang):
    require("postgres", "redis", "node")
    context, page = new_page(browser, PHONE, locale="en-US", bypass_csp=True)
    try:
        widget = open_widget_as(page, asgi_server, lang)
        sub, _name, words, answer = PEOPLE[lang]
        customer_says(widget, words)
        agent_answers(alice, sub, answer)
        expect(widget.locator("#w-messages .msg-agent .msg-body", has_text=answer)).to_have_count(1)
        assert serious_violations(widget_frame(page)) == []
        assert serious_violations(page) == []  # the launcher and iframe on the exchange's page
    finally:
        context.close()


@pytest.mark.parametrize(("size", "locale"), [("desk", "en-GB"), ("phone", "ar")])
def test_console_with_a_chat_open(browser, asgi_server, alice, size, locale):
    """At a desk, and on a phone in Arabic (right to left): the list, the chat and its ticket, one at a time."""
    require("postgres", "redis", "node")
    customer, customer_page = new_page(browser, PHONE)
    agent, console = new_page(browser, DESK if size == "desk" else PHONE, locale=locale, bypass_csp=True)
    try:
        widget = open_widget_as(customer_page, asgi_server, "ar")
        customer_says(widget, PEOPLE["ar"][2])
        login(console, asgi_server, "alice@test.example", "pw-alice-123")
        console.goto(f"{asgi_server}/console/")
        expect(console.locator("#connection")).to_have_attribute("data-state", "online")
        expect(console.locator(".queue-item")).to_have_count(1)
        if size == "phone":
            assert serious_violations(console) == []
            screenshot(console, f"a11y-console-list-{size}-{locale}")
        console.locator(".queue-item").get_by_role("button").first.click()
        pane = console.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".pane-messages .msg-body", has_text=PEOPLE["ar"][2])).to_have_count(1)
        assert serious_violations(console) == []
        if size == "desk":
            screenshot(console, "a11y-console-arabic-customer")
            return
        screenshot(console, f"a11y-console-chat-{size}-{locale}")
        pane.locator(".details-toggle").click()
        expect(pane.locator(".tk-sidebar")).to_be_visible()
        assert serious_violations(console) == []
        screenshot(console, f"a11y-console-details-{size}-{locale}")
    finally:
        customer.close()
        agent.close()


def test_ticket_list(browser, asgi_server, alice):
    require("postgres", "node")
    context, page = new_page(browser, DESK, bypass_csp=True)
    try:
        login(page, asgi_server, "alice@test.example", "pw-alice-123")
        response = page.goto(f"{asgi_server}/tickets/")
        assert response.status == 200
        assert serious_violations(page) == []
    finally:
        context.close()
