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
from tests.conftest import ROOT, login, require, screenshot
from tests.support.servers import asgi_server_process, child_env_for_test_db
from tickets import services as tickets_services

pytestmark = pytest.mark.browser

agent_page = pages.agent_page
NAMED = "Nadia Named"
DASH = "\N{EN DASH}"  # the console writes a range as "1<en dash>40 of 339"


class Arrivals:
    """`per_second` new customers a second writing their first message, from `processes` processes of their own
    (tests/support/arrivals.py): each one changes the queue, and every console is sent a fresh queue frame. With
    `server`, each arrives as customers do, through a widget socket to that server; without, through the services, as
    an HTTP request or a task would (each first message then rebuilds the queue frame in the arrivals process: about
    10 a second from one process beside the browser and the server on 2 cores)."""

    def __init__(self, per_second: int, prefix: str, processes: int = 1, server: str | None = None, **overrides):
        self.per_second, self.prefix, self.processes, self.overrides = per_second, prefix, processes, overrides
        self.sockets = [server.replace("http", "ws", 1)] if server else []  # through widget sockets to this server
        self.arrived: list[float] = []  # when each arrived (time.monotonic(), the machine's clock)

    def __enter__(self):
        env = child_env_for_test_db() | self.overrides
        share = str(self.per_second / self.processes)
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.support.arrivals", f"{self.prefix}{n}", share, *self.sockets],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(self.processes)
        ]
        for proc in self.procs:
            assert proc.stdout.readline().strip() == "ready", "an arrivals process did not start"
        self.readers = [threading.Thread(target=self._count, args=(proc,), daemon=True) for proc in self.procs]
        for reader in self.readers:
            reader.start()
        return self

    def _count(self, proc) -> None:
        for line in proc.stdout:
            if line.startswith("arrived "):
                self.arrived.append(float(line.split()[1]))

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.stdin.close()
        for proc, reader in zip(self.procs, self.readers, strict=True):
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            reader.join(10)
            assert proc.returncode == 0, "an arrivals process failed"

    def rate(self, since: float, until: float) -> float:
        """Arrivals a second between two moments, by the arrivals processes' own clock (after the block: the lines
        are all read then; a busy test process reads them late)."""
        return sum(since <= at <= until for at in self.arrived) / (until - since)


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


@pytest.fixture
def own_server(transactional_db):
    """The server in a process of its own, as in production: in a thread of the test process it shared one interpreter
    lock with the browser driver and the test, and acked 9 to 17 arrivals a second of the 20 sent. Offers are off:
    every arrival is a queue change already, and offers would double the work."""
    require("postgres", "redis")
    with asgi_server_process(HELPDESK_AUTO_OFFER="false") as origin:
        yield origin


@pytest.fixture
def agent_on_own_server(browser, own_server, alice):
    context, page = pages.console_as_alice(browser, own_server, pages.DESK)
    yield page
    context.close()


@pytest.mark.serial
def test_accept_takes_on_the_first_click_while_twenty_customers_a_second_arrive(agent_on_own_server, own_server):
    agent_page = agent_on_own_server
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
    with Arrivals(per_second=20, prefix="surge", server=own_server) as arrivals:
        hovered = time.monotonic()
        agent_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        agent_page.wait_for_timeout(1000)  # the cursor rests on the button while the queue keeps changing
        agent_page.mouse.down()
        pressed = time.monotonic()
        # A slow human press: the queue changes between down and up (the server sends the queue at most every 0.25 s)
        agent_page.wait_for_timeout(700)
        agent_page.mouse.up()
        released = time.monotonic()
        pane = agent_page.locator(".chat-pane:not([hidden])")
        expect(pane.locator(".pane-name")).to_have_text(NAMED)
    rate = arrivals.rate(hovered, released)
    assert agent_page.evaluate("window.__acceptClicks") == ["yes"], "one click, on the very button first found"
    changes = [t for t in queue_frames if pressed <= t <= released]
    assert len(changes) >= 2, f"the queue changed {len(changes)} times during the press: the test tested nothing"
    # The premise, checked: 20 a second are scheduled (issue 15), and the server, in a process of its own, acked
    # 19.5-20.1 a second over the window in eight runs (two with another core kept busy). A window of about 1.7 s
    # counts in steps of 0.6 a second, hence 18 as the floor. Under it the test would not have tested what it says.
    print(f"\nqueue under the cursor: {rate:.1f} arrivals/s, {len(changes)} queue changes during the press")
    assert rate >= 18, f"only {rate:.1f} customers a second arrived while the cursor rested and pressed, not 20"
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
