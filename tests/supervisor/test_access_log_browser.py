"""/access-log/ in Chromium for a supervisor, at a desk and on a phone: the flagged views and the per-day summary
read clearly (screenshots under test-artifacts/screens/)."""

import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from tests.chat.pages import DESK, PHONE, open_page
from tests.conftest import require, screenshot
from tests.support.staff import signed_in_session_key
from tickets import services

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "name"), [(DESK, "desk"), (PHONE, "phone")])
def test_a_supervisor_reads_who_opened_which_customer(browser, asgi_server, alice, bob, sofia, viewport, name):
    require("postgres", "redis")
    sam = services.customer_upsert(external_id="sam", name="Sam Okafor", email="sam@example.com")
    nadia = services.customer_upsert(external_id="nadia", name="Nadia Haddad")
    posted = chat_services.customer_message_post(
        customer=sam, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    )
    chat = chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
    services.customer_access(staff=alice, customer_id=sam.pk, what="panel", conversation_id=chat.pk)
    for customer in (sam, nadia):
        services.customer_access(staff=bob, customer_id=customer.pk, what="ticket")
    context, page = open_page(browser, viewport)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": signed_in_session_key(sofia),
                "domain": urlparse(asgi_server).hostname,
                "path": "/",
            }
        ]
    )
    page.goto(f"{asgi_server}/access-log/")
    expect(page.locator(".access-day")).to_contain_text("Bob")
    expect(page.locator(".access-day")).to_contain_text("opened 2 customers they never chatted with today")
    expect(page.locator("tr.unexplained")).to_have_count(2)
    expect(page.locator("tr.explained")).to_have_count(1)
    page.get_by_label("Only views with no chat or ticket of theirs").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tr.explained")).to_have_count(0)
    screenshot(page, f"access-log-{name}")
    assert page.js_errors == []
    context.close()
