# ruff: noqa: RUF001  (Russian words are Cyrillic)
"""A transcript as staff read it (1280 and 390 px): every event a sentence in the reader's language, the helpdesk's
cards and lines in it too, with what the customer read a click away."""

import pytest
from playwright.sync_api import expect

from helpdesk import demo_stories
from tests.chat.pages import DESK, PHONE, off_the_loop
from tests.conftest import login, require, screenshot
from tickets import services as tickets_services

pytestmark = pytest.mark.browser


def test_a_russian_customers_walkthrough_reads_in_english_for_a_supervisor(browser, asgi_server, alice, sofia):
    require("postgres", "redis")

    def story():
        customer = tickets_services.customer_upsert(external_id="tr-ru", name="Ольга Смирнова", locale="ru")
        return demo_stories.wrong_network_walkthrough(customer, alice, greeting="Здравствуйте, я с вами.")[0]

    conversation_id = off_the_loop(story)
    context = browser.new_context(viewport=DESK, locale="en-GB")
    page = context.new_page()
    try:
        login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
        page.goto(f"{asgi_server}/history/{conversation_id}/")
        entry = page.locator(".entry.kind-card", has_text="Found: sent on another network, and recoverable")
        expect(entry).to_have_count(1)
        theirs = entry.locator(".entry-theirs")
        expect(theirs.locator(".entry-text")).to_be_hidden()
        theirs.locator("summary").click()
        expect(theirs.locator(".entry-text")).to_contain_text("Найдено")
        expect(page.locator(".entry-event", has_text="Alice moved recovery case")).to_contain_text(
            "from Submitted to Under review."
        )
        expect(page.locator(".entry-event", has_text="started the wrong-network walkthrough")).to_have_count(1)
        screenshot(page, "supervisor-transcript-reader-language-1280")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "supervisor-transcript-reader-language-390")
    finally:
        context.close()
