"""axe-core over the widget and the console while a chat is going on: no finding of moderate impact or worse."""

import re

import pytest
from playwright.sync_api import expect

from tests.chat.pages import (
    AXE,
    DESK,
    PHONE,
    agent_accepts,
    agent_says,
    axe_violations,
    customer_says,
    open_widget,
)
from tests.conftest import login, require

pytestmark = pytest.mark.browser


def test_widget_and_console_have_no_accessibility_problems_of_note(browser, asgi_server, alice):
    require("postgres", "redis", "node")
    assert AXE.exists()
    customer = browser.new_context(viewport=PHONE, bypass_csp=True)
    agent = browser.new_context(viewport=DESK, bypass_csp=True)
    try:
        page = customer.new_page()
        widget = open_widget(page, asgi_server)
        customer_says(widget, "Hello, I need help")
        console = agent.new_page()
        login(console, asgi_server, "alice@test.example", "pw-alice-123")
        console.goto(f"{asgi_server}/console/")
        pane = agent_accepts(console)
        agent_says(pane, "Hi, I'm here")
        expect(widget.locator("#w-messages .msg-body", has_text="I'm here")).to_have_count(1)

        frame = next(f for f in page.frames if re.search(r"/widget/frame/", f.url))
        assert axe_violations(frame) == []
        assert axe_violations(console) == []
    finally:
        customer.close()
        agent.close()
