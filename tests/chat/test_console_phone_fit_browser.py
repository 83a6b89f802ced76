"""The console on a phone (390 by 844 px) with the widest things a chat holds — a wrong-network walkthrough with its
result and case cards, a P&L breakdown in Russian (decimal commas), the ticket beside it: every control lies inside
the screen (nothing clipped at the right edge, as "End chat" was) and no number breaks across lines ("+24,/00")."""

import io
import uuid

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from helpdesk import demo_stories
from pnl import demo as pnl_demo
from pnl.models import Position
from tests.chat.pages import PHONE, off_the_loop
from tests.conftest import login, require, screenshot
from tickets import services as tickets_services

pytestmark = pytest.mark.browser

# Controls whose box leaves the screen, or the box of a parent that scrolls or clips them.
CONTROLS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  const controls = "button, a[href], select, input:not([type=hidden]), textarea, summary, [role=tab], label";
  for (const node of document.querySelectorAll(controls)) {
    if (!node.checkVisibility({ visibilityProperty: true }) || node.matches(".skip-link, .visually-hidden")) continue;
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const name = (node.textContent || node.getAttribute("aria-label") || node.className).trim().slice(0, 40);
    if (box.left < -0.5 || box.right > width + 0.5) { outside.push(`${name}: off the screen`); continue; }
    for (let parent = node.parentElement; parent; parent = parent.parentElement) {
      if (!/(auto|scroll|hidden|clip)/.test(getComputedStyle(parent).overflowX)) continue;
      const frame = parent.getBoundingClientRect();
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) {
        outside.push(`${name}: clipped by .${parent.className}`);
        break;
      }
    }
  }
  return outside;
}"""

# Numbers (amounts, counts, dates, the digits of an address) drawn on more than one line.
NUMBERS_BROKEN = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const number = /[+\\-\\u2212]?\\d(?:[\\d.,\\u00a0\\u202f]*\\d)?/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement?.checkVisibility({ visibilityProperty: true })) continue;
    for (const match of node.textContent.matchAll(number)) {
      if (match[0].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(`${match[0]} in "${node.textContent.trim().slice(0, 60)}"`);
    }
  }
  return broken;
}"""


def a_long_chat(alice) -> int:
    """Ivan (Russian) asked about his BTC result and was shown the breakdown; Rahim (Bengali) walked through a
    wrong-network transfer to a recovery case under review. Both chats are Alice's."""
    ivan = tickets_services.customer_upsert(external_id="demo-ivan", name="Иван Петров", locale="ru", vip="gold")
    pnl_demo.seed(stdout=io.StringIO())
    demo_stories.pnl_shared(Position.objects.get(customer=ivan, market="BTCUSDT"), alice)
    rahim = tickets_services.customer_upsert(external_id="demo-rahim", name="রহিম উদ্দিন", locale="bn")
    conversation_id, _case = demo_stories.wrong_network_walkthrough(rahim, alice, greeting="আমি আপনার সাথে আছি।")
    chat_services.customer_message_post(
        customer=rahim, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body="ধন্যবাদ!"
    )
    return conversation_id


def phone_console(browser, base: str, locale: str):
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    login(page, base, "alice@test.example", "pw-alice-123")
    page.goto(f"{base}/console/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15000)
    return context, page


def assert_all_in_sight(page, where: str) -> None:
    page.wait_for_timeout(300)  # cards re-read their live state once drawn
    assert page.evaluate(CONTROLS_OUTSIDE) == [], where
    assert page.evaluate(NUMBERS_BROKEN) == [], where
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], where


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_every_control_and_number_fits_a_phone(browser, asgi_server, alice, locale):
    require("postgres", "redis")
    off_the_loop(a_long_chat, alice)
    context, page = phone_console(browser, asgi_server, locale)
    lang = locale[:2]
    try:
        expect(page.locator(".chat-tab")).to_have_count(2)
        assert_all_in_sight(page, "the list")
        screenshot(page, f"console-phone-fit-list-{lang}")
        for name in ("Иван Петров", "রহিম উদ্দিন"):
            page.locator(".chat-tab", has_text=name).click()
            pane = page.locator(".chat-pane:not([hidden])")
            expect(pane.locator(".pane-name")).to_have_text(name)
            expect(pane.locator(".msg-kind-card").first).to_be_visible()
            actions = pane.locator(".pane-actions button:visible")
            expect(actions).to_have_count(3)  # the walkthrough, Transfer, End chat: none past the right edge
            for action in actions.all():
                expect(action).to_be_in_viewport(ratio=1)
            for card in pane.locator(".msg-kind-card").all():
                card.scroll_into_view_if_needed()
                assert_all_in_sight(page, f"{name}: a card")
            pane.locator(".pane-main").evaluate("box => box.scrollTop = box.scrollHeight")
            expect(pane.locator(".msg-body").last).to_be_in_viewport()
            screenshot(page, f"console-phone-fit-{name[:4]}-{lang}")
            pane.locator(".details-toggle").click()
            expect(pane.locator(".tk-sidebar")).to_be_visible(timeout=10000)
            pane.locator(".tk-side-recent summary").click()  # the latest changes, as sentences
            expect(pane.locator(".tk-sentence").first).to_be_visible()
            assert_all_in_sight(page, f"{name}: the ticket")
            screenshot(page, f"console-phone-fit-ticket-{lang}")
            pane.locator(".details-toggle").click()
            pane.locator(".pane-back").click()
    finally:
        context.close()
