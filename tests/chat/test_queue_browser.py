"""A queue that holds still: the console updates its queue in place, keyed by conversation, so the Accept button
under the agent's cursor stays the same button while other customers arrive; and with hundreds waiting it shows a
page at a time, in frames that stay small, and still accepts the one customer the agent looks for."""

import subprocess
import sys
import threading
import time
import uuid

import pytest
from playwright.sync_api import expect

from chat import services
from chat.models import Conversation
from tests.chat import pages
from tests.chat.helpers import waiting_conversations
from tests.conftest import ROOT, login, screenshot
from tests.support.servers import child_env_for_test_db
from tickets import services as tickets_services

pytestmark = pytest.mark.browser

agent_page = pages.agent_page
NAMED = "Nadia Named"
DASH = "\N{EN DASH}"  # the console writes a range as "1<en dash>40 of 339"


class Arrivals:
    """`per_second` new customers a second writing their first message through the real services, from a process of
    their own (tests/support/arrivals.py): each one changes the queue, and every console is sent a fresh queue frame."""

    def __init__(self, per_second: int, prefix: str, **overrides):
        self.per_second, self.prefix, self.overrides = per_second, prefix, overrides
        self.arrived = 0

    def __enter__(self):
        env = child_env_for_test_db() | self.overrides
        command = [sys.executable, "-m", "tests.support.arrivals", self.prefix, str(self.per_second)]
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline().strip() == "ready", "the arrivals process did not start"
        self.started = time.monotonic()
        self.reader = threading.Thread(target=self._count, daemon=True)
        self.reader.start()
        return self

    def _count(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("arrived"):
                self.arrived += 1

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        assert self.proc.returncode == 0, "the arrivals process failed"

    def rate(self) -> float:
        return self.arrived / (time.monotonic() - self.started)


def named_customer_waits() -> Conversation:
    customer = tickets_services.customer_upsert(external_id="nadia", name=NAMED, locale="en")
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my deposit?"
    )
    return posted.message.conversation


def watch_clicks(page, button) -> None:
    """Mark the button node and count the clicks that reach an Accept button (and whether it was the marked one)."""
    page.evaluate(
        """(button) => {
            button.dataset.marked = "yes";
            window.__acceptClicks = [];
            document.addEventListener("click", (event) => {
                const target = event.target.closest(".accept");
                if (target) window.__acceptClicks.push(target.dataset.marked || "another node");
            }, true);
        }""",
        button,
    )


@pytest.mark.serial
def test_accept_takes_on_the_first_click_while_twenty_customers_a_second_arrive(agent_page, asgi_server, settings):
    settings.CHAT_AUTO_OFFER = False  # every arrival is a queue change already; offers would double the work
    waiting_conversations(3, prefix="early", name="Early bird")  # older: above Nadia, and they stay
    conversation = pages.off_the_loop(named_customer_waits)
    item = agent_page.locator(".queue-item", has_text=NAMED)
    expect(item).to_have_count(1)
    button = item.get_by_role("button", name="Accept").element_handle()
    watch_clicks(agent_page, button)
    box = button.bounding_box()
    queue_frames = []
    agent_page.expose_function("__queueFrame", lambda: queue_frames.append(time.monotonic()))
    agent_page.evaluate(
        """() => {
            const list = document.getElementById("queue-list");
            new MutationObserver(() => window.__queueFrame()).observe(list, { childList: true });
        }"""
    )
    with Arrivals(per_second=20, prefix="surge", HELPDESK_AUTO_OFFER="false") as arrivals:
        agent_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        agent_page.wait_for_timeout(1000)  # the cursor rests on the button while the queue keeps changing
        agent_page.mouse.down()
        pressed = time.monotonic()
        agent_page.wait_for_timeout(400)  # a human press: the queue changes between down and up
        agent_page.mouse.up()
        released = time.monotonic()
        rate = arrivals.rate()
        pane = agent_page.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".pane-name")).to_have_text(NAMED)
    assert agent_page.evaluate("window.__acceptClicks") == ["yes"], "one click, on the very button first found"
    changes = [t for t in queue_frames if pressed <= t <= released]
    assert len(changes) >= 2, f"the queue changed {len(changes)} times during the press: the test tested nothing"
    # 20 a second are scheduled; one process of arrivals beside the server and the browser reached 13 to 17 a second
    # on a 2-core machine (issue 15 names 20). What the test needs is above: the queue changed under the button.
    assert rate >= 12, f"customers arrived at {rate:.1f}/s: too few to test a changing queue"
    print(f"\nqueue under the cursor: {rate:.1f} arrivals/s, {len(changes)} queue changes during the press")
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee.email) == ("active", "alice@test.example")
    assert agent_page.js_errors == []


def frame_sizes(page) -> list[int]:
    sizes: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: sizes.append(len(str(payload).encode()))))
    return sizes


def test_hundreds_wait_and_the_agent_pages_to_one_customer_and_accepts_him(browser, asgi_server, alice):
    waiting_conversations(3, prefix="gold", vip="gold", name="Gold client", preview="Мой вывод завис уже 2 часа")
    waiting_conversations(
        85, prefix="crowd", name="Customer from the crowd with a long name", preview="Withdrawals halted? " * 7
    )
    conversation = pages.off_the_loop(named_customer_waits)  # 89th in line: on the third page
    waiting_conversations(250, prefix="late", name="Late arrival", start=conversation.created_at)
    context, page = pages.open_page(browser, pages.DESK)
    sizes = frame_sizes(page)
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/console/")
    expect(page.locator("#queue-count")).to_have_text("339")
    expect(page.locator(".queue-item")).to_have_count(40)
    expect(page.locator("#queue-range")).to_have_text(f"1{DASH}40 of 339")
    expect(page.locator(".queue-item").first.locator(".vip-badge")).to_be_visible()
    screenshot(page, "console-long-queue-1280")
    with Arrivals(per_second=10, prefix="more"):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("#queue-range")).to_contain_text(f"41{DASH}80 of")
        page.get_by_role("button", name="Next", exact=True).click()
        item = page.locator(".queue-item", has_text=NAMED)
        expect(item).to_have_count(1)
        expect(page.locator(".queue-item").first).to_contain_text("Customer from the crowd")
        item.get_by_role("button", name="Accept").click(no_wait_after=True)
        expect(page.locator(".chat-pane:not([hidden]) .pane-name")).to_have_text(NAMED)
    assert max(sizes) <= 64 * 1024, f"a frame of {max(sizes)} bytes"
    conversation.refresh_from_db()
    assert conversation.assignee_id == alice.pk
    assert page.js_errors == []
    context.close()


def test_a_long_queue_on_a_phone(browser, asgi_server, alice):
    waiting_conversations(60, prefix="phone", name="Waiting customer", preview="Where is my USDT? " * 5)
    context, page = pages.console_as_alice(browser, asgi_server, pages.PHONE)
    expect(page.locator(".queue-item")).to_have_count(40)
    expect(page.locator("#queue-range")).to_have_text(f"1{DASH}40 of 60")
    page.screenshot(path=str(ROOT / "test-artifacts" / "screens" / "console-long-queue-390.png"))  # what fits
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator(".queue-item")).to_have_count(20)
    expect(page.locator("#queue-range")).to_have_text(f"41{DASH}60 of 60")
    expect(page.get_by_role("button", name="Next", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Previous", exact=True).click()
    expect(page.locator(".queue-item")).to_have_count(40)
    assert page.js_errors == []
    context.close()


PAGER = {  # the range and the two buttons, as the catalogues say them
    "ar": ("{first}" + DASH + "{last} من {total}", "السابق", "التالي"),
    "bn": ("{total} জনের মধ্যে {first}" + DASH + "{last}", "আগের", "পরের"),
}


@pytest.mark.parametrize("lang", ["ar", "bn"])
def test_the_pager_speaks_the_console_language(browser, asgi_server, alice, lang):
    waiting_conversations(45, prefix=f"pager-{lang}", name="Waiting customer", preview="سحب معلق / উত্তোলন আটকে")
    context = browser.new_context(viewport=pages.PHONE, locale=lang)
    page = context.new_page()
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    page.goto(f"{asgi_server}/console/")
    expect(page.locator(".queue-item")).to_have_count(40)
    words, previous, following = PAGER[lang]
    # Numbers as the browser writes them in that language (Bengali digits in Bengali; Chromium writes Arabic with
    # Western digits, as CLDR now does).
    first, last, total = page.evaluate("(lang) => [1, 40, 45].map((n) => n.toLocaleString(lang))", lang)
    expect(page.locator("#queue-range")).to_have_text(words.format(first=first, last=last, total=total))
    expect(page.locator("#queue-count")).to_have_text(total)
    page.screenshot(path=str(ROOT / "test-artifacts" / "screens" / f"console-queue-pager-390-{lang}.png"))
    page.get_by_role("button", name=following, exact=True).click()
    expect(page.locator(".queue-item")).to_have_count(5)
    expect(page.get_by_role("button", name=previous, exact=True)).to_be_enabled()
    context.close()
