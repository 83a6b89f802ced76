"""In Chromium: the explainer page draws the customer's card with the chat's own card renderer, the share button
posts it, and the customer sees the same table in the widget, in English and in Russian."""

import re
import threading
import uuid

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Message
from pnl import demo, services
from tests.conftest import login, require, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def off_the_loop(func, **kwargs):
    """Run a service in its own thread: Playwright's sync API keeps an event loop running in the test thread, and
    the services' on-commit broadcasts (async_to_sync) refuse to run there."""
    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["value"] = func(**kwargs)
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


def seed_and_open_chat(customer, agent):
    """The demo's positions (BTCUSDT: 24 - 6.50 - 3.50 = 14, matching; ETHUSDT: the exchange left the fees out)
    and an open chat the agent has accepted."""
    for fills, funding, position in (demo._btc(customer.external_id), demo._eth(customer.external_id)):
        services.fills_import(customer=customer, fills=fills)
        services.funding_import(customer=customer, payments=funding)
        services.positions_import(customer=customer, positions=[position])
    posted = off_the_loop(
        chat_services.customer_message_post,
        customer=customer,
        conversation_id=None,
        client_msg_id=uuid.uuid4(),
        body="Why $14 and not $24?",
        locale=customer.locale,
    )
    off_the_loop(chat_services.conversation_accept, agent=agent, conversation_id=posted.message.conversation_id)
    return posted.message.conversation_id


def share_from_the_page(page, base, customer, expected_rows, name):
    page.goto(f"{base}/pnl/customers/{customer.pk}/")
    btc = page.locator(".pnl-position", has_text=f"{customer.external_id}-btc")
    eth = page.locator(".pnl-position", has_text=f"{customer.external_id}-eth")
    preview = btc.locator(".pnl-card-preview .card-table")
    for row in expected_rows:
        expect(preview.locator("tr", has_text=row[0])).to_contain_text(row[1])
    expect(btc.locator(".pnl-badge")).to_have_text("Matches the exchange")
    expect(eth.locator(".pnl-badge")).to_have_text("Does not match the exchange")
    expect(eth.locator(".pnl-findings")).to_contain_text("leaves out trading fees")
    screenshot(page, name)
    btc.get_by_role("button", name="Share with customer").click()
    expect(btc.locator(".pnl-share-status")).to_have_text("Shared into the customer's chat.")
    assert page.js_errors == []


def widget_shows(browser, base, customer, expected_rows, name):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{base}/demo/exchange/?user={customer.external_id}")
        page.get_by_role("button", name=re.compile("Chat with support")).click()
        widget = page.frame_locator("#helpdesk-frame")
        table = widget.locator(".card-message .card-table")
        for row in expected_rows:
            expect(table.locator("tr", has_text=row[0])).to_contain_text(row[1])
        screenshot(page, name)
    finally:
        context.close()


ENGLISH = [
    ("Step", "Running total"),
    ("Profit or loss from price moves", "+24.00"),
    ("Trading fees", "\u22126.50"),
    ("Funding paid", "\u22123.50"),
    ("Result", "14.00 USDT"),
]
RUSSIAN = [
    ("Шаг", "Итого"),
    ("Прибыль или убыток от движения цены", "+24,00"),
    ("Торговые комиссии", "\u22126,50"),
    ("Уплаченное финансирование", "\u22123,50"),
    ("Результат", "14,00 USDT"),
]


def test_the_shared_breakdown_appears_in_english_and_in_russian(
    browser, page, asgi_server, alice, customer, other_customer
):
    require("postgres", "redis")
    english_chat = seed_and_open_chat(customer, alice)  # customer's locale: en
    russian_chat = seed_and_open_chat(other_customer, alice)  # other_customer's locale: ru
    login(page, asgi_server, "alice@test.example", "pw-alice-123")

    share_from_the_page(page, asgi_server, customer, ENGLISH, "pnl-explainer-en")
    share_from_the_page(page, asgi_server, other_customer, RUSSIAN, "pnl-explainer-ru")
    cards = {m.conversation_id: m.payload["lang"] for m in Message.objects.filter(kind=Message.Kind.CARD)}
    assert cards == {english_chat: "en", russian_chat: "ru"}

    widget_shows(browser, asgi_server, customer, ENGLISH, "pnl-widget-en-390")
    widget_shows(browser, asgi_server, other_customer, RUSSIAN, "pnl-widget-ru-390")


def test_the_console_sidebar_opens_the_explainer_from_the_chat(page, asgi_server, alice, customer):
    require("postgres", "redis")
    seed_and_open_chat(customer, alice)
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/console/")
    link = page.locator(".chat-context .tk-pnl a")
    expect(link).to_be_visible(timeout=15000)
    expect(link).to_have_attribute("href", f"/pnl/customers/{customer.pk}/")
    screenshot(page, "pnl-console-sidebar-link")
    with page.context.expect_page() as opened:
        link.click()  # a new tab: the agent's chat stays open in the console
    explainer = opened.value
    expect(explainer.locator("h1")).to_have_text(f"P&L explainer: {customer.display_name}")
    expect(explainer.locator(".pnl-position")).to_have_count(2)
    # "My P&L tab says 24": the agent types it in beside the market, and the page names the gap.
    explainer.get_by_role("textbox", name="Market").fill("BTCUSDT")
    explainer.get_by_label("Figure the customer sees").fill("24")
    explainer.get_by_role("button", name="Explain this range").click()
    ranged = explainer.locator(".pnl-position").first
    expect(ranged.locator(".pnl-badge")).to_have_text("Does not match the exchange")
    expect(ranged.locator(".pnl-findings")).to_contain_text("counts only the trades")
    screenshot(explainer, "pnl-range-customer-says-24")
    assert page.js_errors == []
