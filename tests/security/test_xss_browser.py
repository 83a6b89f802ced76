"""XSS in Chromium: script payloads as a customer's name, message bodies, agent replies, internal notes and card
fields are shown as text in the widget (inside the demo exchange page), the console and the transcript. Every
payload would set a window flag if it ran; the flag stays unset, no element is injected, and the browser reports
no Content-Security-Policy violation (nothing even tried to run)."""

import re

import pytest
from playwright.sync_api import expect

from chat import services
from chat.models import Conversation
from tests.chat.pages import agent_says, customer_bubbles, customer_says, off_the_loop, open_page, pane_bubbles
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser

NAME = '<img src=x onerror="window.__xss=1">'
BODIES = [
    '<img src=x onerror="window.__xss=2">',
    "<script>window.__xss=3</script>",
    '"><svg onload="window.__xss=4">',
    '<a href="javascript:window.__xss=5">click</a>',
    '<iframe srcdoc="<script>parent.__xss=6</script>"></iframe>',
]
REPLY = '<img src=x onerror="window.__xss=7">agent'
NOTE = '<img src=x onerror="window.__xss=8">note'
INJECTED = "img[src='x'], svg, iframe[srcdoc], a[href^='javascript'], script:not([src]):not([type='application/json'])"


def watch(page) -> list[str]:
    """Collect CSP violations and script errors in every frame of the page."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective))"
    )
    return violations


def flags(page) -> list:
    return [frame.evaluate("() => window.__xss === undefined ? null : window.__xss") for frame in page.frames]


def injected(page, selector: str) -> int:
    return sum(frame.evaluate(f"() => document.querySelectorAll({selector!r}).length") for frame in page.frames)


def test_payloads_in_names_bodies_replies_notes_and_cards_never_run(browser, asgi_server, alice):
    customer_context, customer = open_page(browser, {"width": 390, "height": 844})
    agent_context, agent = open_page(browser, {"width": 1280, "height": 800})
    seen = watch(customer)
    agent_seen = watch(agent)
    try:
        login(agent, asgi_server, "alice@test.example", "pw-alice-123")
        agent.goto(f"{asgi_server}/console/")
        expect(agent.locator("#connection")).to_have_attribute("data-state", "online")

        # The demo exchange signs whatever `user` says as the customer's name: a hostile name.
        customer.goto(f"{asgi_server}/demo/exchange/?user={NAME}")
        customer.get_by_role("button", name=re.compile("Chat with support")).click()
        widget = customer.frame_locator("#helpdesk-frame")
        expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
        for body in BODIES:
            customer_says(widget, body)
        for body in BODIES:
            expect(customer_bubbles(widget, body)).to_have_count(1)

        item = agent.locator(".queue-item", has_text=NAME)
        expect(item).to_be_visible()
        item.get_by_role("button", name="Accept").click()
        pane = agent.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".pane-name")).to_have_text(NAME)
        for body in BODIES:
            expect(pane_bubbles(pane, body)).to_have_count(1)
        agent_says(pane, REPLY)
        agent_says(pane, NOTE, note=True)
        expect(pane_bubbles(pane, NOTE)).to_have_count(1)
        pane.get_by_label("Reply").check()
        expect(customer_bubbles(widget, REPLY)).to_have_count(1)

        conversation = Conversation.objects.get()
        card = {
            "type": "recovery.step",
            "title": '<img src=x onerror="window.__xss=9">title',
            "blocks": [
                {"text": "<script>window.__xss=10</script>text"},
                {"link": {"href": "javascript:window.__xss=11", "label": "<b>label</b>"}},
                {"table": {"columns": ["<img src=x onerror=window.__xss=12>"], "rows": [["<svg onload=1>"]]}},
            ],
        }
        off_the_loop(
            services.system_message_post,
            conversation_id=conversation.pk,
            body="card fallback",
            payload=card,
            kind="card",
        )
        expect(widget.locator("#w-messages", has_text="title")).to_be_visible()
        expect(pane.locator(".pane-messages", has_text="title")).to_be_visible()

        agent.goto(f"{asgi_server}/history/{conversation.pk}/")
        expect(agent.locator("body")).to_contain_text(BODIES[0])
        expect(agent.locator("body")).to_contain_text(NOTE)
        screenshot(customer, "xss-widget-390")
        screenshot(agent, "xss-transcript-1280")

        assert set(flags(customer)) == {None} and set(flags(agent)) == {None}, "no payload ran"
        assert injected(customer, INJECTED) == 0 and injected(agent, INJECTED) == 0, "no element was injected"
        assert seen == [] and agent_seen == [], f"nothing even tried to run: {seen + agent_seen}"
        assert customer.js_errors == [] and agent.js_errors == []
    finally:
        customer_context.close()
        agent_context.close()
