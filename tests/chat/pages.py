"""Page helpers and fixtures shared by the chat browser tests (the widget on the demo exchange page, the console)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import login, require

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return context, page


@pytest.fixture
def customer_page(browser, asgi_server):
    require("postgres", "redis")
    context, page = open_page(browser, PHONE)
    yield page
    context.close()


def console_as_alice(browser, base, viewport):
    """Alice signed in, on the console, connected: (context, page). The caller closes the context."""
    context, page = open_page(browser, viewport)
    login(page, base, "alice@test.example", "pw-alice-123")
    page.goto(f"{base}/console/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
    return context, page


@pytest.fixture
def agent_page(browser, asgi_server, alice):
    require("postgres", "redis")
    context, page = console_as_alice(browser, asgi_server, DESK)
    yield page
    context.close()


def open_widget(page, base, user="demo-alice"):
    page.goto(f"{base}/demo/exchange/?user={user}")
    page.get_by_role("button", name=re.compile("Chat with support")).click()
    widget = page.frame_locator("#helpdesk-frame")
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online", timeout=15000)
    return widget


def customer_says(widget, text):
    widget.locator("#w-input").fill(text)
    widget.locator("#w-input").press("Enter")


def agent_accepts(agent, name="Alice Moreau"):
    item = agent.locator(".queue-item", has_text=name)
    item.get_by_role("button", name="Accept").click()
    pane = agent.locator(".chat-pane:not([hidden])")
    expect(pane.locator(".pane-name")).to_have_text(name)
    return pane


def agent_says(pane, text, *, note=False):
    if note:
        pane.get_by_label("Internal note").check()
    pane.locator(".composer-input").fill(text)
    pane.locator(".composer-input").press("Enter")


def customer_bubbles(widget, text):
    return widget.locator("#w-messages .msg-body", has_text=text)


def pane_bubbles(pane, text):
    return pane.locator(".pane-messages .msg-body", has_text=text)


def off_the_loop(func, *args, **kwargs):
    """Run server-side code (a service, a broadcast) in its own thread: Playwright's sync API keeps an event loop
    running in the test thread, and async_to_sync refuses to run there."""
    import threading

    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as exc:  # handed back to the test thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(target) -> list[str]:
    """axe-core findings of moderate impact or worse for a page or frame (its context needs bypass_csp=True)."""
    target.add_script_tag(path=str(AXE))
    violations, passes = target.evaluate(
        "async () => { const r = await axe.run(document); return [r.violations, r.passes.length]; }"
    )
    assert passes > 10, "axe did not really run"
    worth_fixing = {"moderate", "serious", "critical"}
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x)" for v in violations if v["impact"] in worth_fixing]
