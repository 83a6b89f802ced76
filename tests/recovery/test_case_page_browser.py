"""A recovery case joined to its chat (issue 15): the case's page links to its ticket and its chat, the console's
case card links to the case, and the page follows the case live — it never offers "The customer approved" after
the customer already accepted."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk import demo_stories
from recovery import services as recovery_services
from recovery import walkthrough
from recovery.models import RecoveryCase
from tests.chat.pages import DESK, PHONE, off_the_loop
from tests.conftest import login, require, screenshot
from tickets import services as tickets_services

pytestmark = pytest.mark.browser


@pytest.fixture
def case(transactional_db, alice) -> RecoveryCase:
    def story():
        customer = tickets_services.customer_upsert(external_id="case-page-1", name="Nadia Karim", locale="en")
        _conversation_id, case = demo_stories.wrong_network_walkthrough(customer, alice, greeting="I'm here.")
        return case

    return off_the_loop(story)


def signed_in(browser, base: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    login(page, base, "alice@test.example", "pw-alice-123")
    return context, page


def test_the_case_page_links_its_chat_and_follows_the_customers_answer_live(browser, asgi_server, case):
    require("postgres", "redis")
    context, page = signed_in(browser, asgi_server, DESK)
    try:
        # The console's case card leads to the case.
        page.goto(f"{asgi_server}/console/")
        link = page.get_by_role("link", name=f"Open recovery case #{case.pk}").last
        expect(link).to_have_attribute("href", f"/recovery/cases/{case.pk}/", timeout=15000)
        link.click()
        expect(page).to_have_url(re.compile(rf"/recovery/cases/{case.pk}/$"))

        # The page names where the case comes from.
        expect(page.get_by_role("link", name=f"Ticket #{case.ticket_id}")).to_have_attribute(
            "href", f"/tickets/{case.ticket_id}/"
        )
        expect(page.get_by_role("link", name="The chat with Nadia Karim")).to_have_attribute(
            "href", f"/history/{case.conversation_id}/"
        )
        expect(page.locator("#case-live-state")).to_have_text("Live", timeout=15000)
        page.get_by_label("Fee to quote").fill("5 USDT")
        page.get_by_label("How long it takes").fill("about 3 working days")
        page.get_by_role("button", name="Send the quote to the customer").click()
        expect(page.locator("#case-status")).to_have_text("Awaiting the customer")
        expect(page.get_by_role("button", name="The customer approved")).to_be_visible()
        expect(page.locator("#case-live-state")).to_have_text("Live", timeout=15000)

        # The customer accepts in the widget: the page moves on by itself.
        off_the_loop(
            walkthrough.walkthrough_answer,
            walkthrough_id=demo_stories.walkthrough_of(case.conversation_id).pk,
            step="quote",
            value="accept",
        )
        expect(page.locator("#case-status")).to_have_text("Approved", timeout=10000)
        expect(page.get_by_role("button", name="The customer approved")).to_have_count(0)
        expect(page.get_by_role("button", name="Start processing")).to_be_visible()
        expect(page.locator(".rc-events li").last).to_contain_text("from Awaiting the customer to Approved")

        # The address is copied whole.
        page.locator(".rc-copy", has_text="0x8ba1").get_by_role("button", name="Copy").click()
        assert page.evaluate("navigator.clipboard.readText()") == demo_stories.DEMO_DEPOSIT
        screenshot(page, "recovery-case-page-1280")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "recovery-case-page-390")
    finally:
        context.close()


def test_a_form_being_filled_is_not_swept_away(browser, asgi_server, case):
    require("postgres", "redis")
    context, page = signed_in(browser, asgi_server, DESK)
    try:
        page.goto(f"{asgi_server}/recovery/cases/{case.pk}/")
        expect(page.locator("#case-live-state")).to_have_text("Live", timeout=15000)
        page.get_by_label("Fee to quote").fill("7 USDT")  # Alice is writing the quote…
        off_the_loop(  # …when the quote goes out from elsewhere (a supervisor's tab)
            recovery_services.case_transition,
            case_id=case.pk,
            to_status="awaiting_customer",
            fee_quote="5 USDT",
            timeline_text="3 days",
        )
        expect(page.locator("#case-moved")).to_be_visible(timeout=10000)
        expect(page.get_by_label("Fee to quote")).to_have_value("7 USDT")
        page.get_by_role("button", name="Show where it stands").click()
        expect(page.locator("#case-status")).to_have_text("Awaiting the customer")
    finally:
        context.close()
