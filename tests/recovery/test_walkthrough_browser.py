"""The walkthrough end to end in Chromium against the demo: demo-alice on the demo exchange page (phone width),
the demo's local chains (anvil ids 1 and 56) seeded by `demo_chains`, a real Celery worker, the agent console."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from recovery import demo
from recovery.models import RecoveryCase
from tests.chat import pages
from tests.chat.pages import open_widget
from tests.conftest import require, screenshot
from tests.support.chains import start_anvil

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.worker]

customer_page = pages.customer_page
agent_page = pages.agent_page


@pytest.fixture
def demo_chains(transactional_db, tmp_path, settings, monkeypatch):
    """What `make run` does: two fresh local chains seeded with demo-alice's wrong-network USDT."""
    require("anvil")
    nodes = [start_anvil(1), start_anvil(56)]
    try:
        demo.seed(stdout=io.StringIO())
        out = tmp_path / "demo-chains.toml"
        call_command("demo_chains", "--ethereum", nodes[0].url, "--bsc", nodes[1].url, "--out", str(out),
                     stdout=io.StringIO())  # fmt: skip
        settings.CHAINS_FILE = str(out)
        monkeypatch.setenv("HELPDESK_CHAINS_FILE", str(out))  # for the worker process
        yield demo.demo_txids(str(out))
    finally:
        for node in nodes:
            node.stop()


def step_card(widget, card_type: str):
    return widget.locator(f'.card-message[data-card-type="recovery.{card_type}"]').last


def test_demo_alice_walks_through_her_wrong_network_deposit(
    demo_chains, worker, customer_page, agent_page, asgi_server
):
    widget = open_widget(customer_page, asgi_server, user="demo-alice")
    widget.get_by_role("button", name="I sent crypto to the wrong network").click()

    step_card(widget, "asset").get_by_role("button", name="USDT").click()
    step_card(widget, "used_chain").get_by_role("button", name="BNB Smart Chain").click()
    screenshot(customer_page, "recovery-walkthrough-network-390")
    step_card(widget, "meant_chain").get_by_role("button", name="Ethereum").click()
    txid_card = step_card(widget, "txid")
    expect(txid_card).to_contain_text("transaction ID")
    expect(txid_card).to_contain_text(demo_chains["wrong_network"])  # the demo's hint
    screenshot(customer_page, "recovery-walkthrough-txid-390")
    txid_card.locator("input").fill(demo_chains["wrong_network"])
    txid_card.locator("input").press("Enter")

    progress = widget.locator(".card-message[data-ref^='lookup-']").last
    expect(progress.locator(".progress-found")).to_contain_text("found", timeout=30_000)
    expect(progress.locator(".progress-not_found")).to_have_count(1)
    result = step_card(widget, "case")
    expect(result.locator(".card-title")).to_have_text("Found: sent on another network, and recoverable")
    expect(result).to_contain_text("250 USDT")
    expect(result.locator("a").first).to_have_attribute("href", re.compile(r"^https://bscscan\.com/tx/0x"))
    screenshot(customer_page, "recovery-walkthrough-result-390")

    result.get_by_role("button", name="Open a recovery case").click()
    expect(widget.locator(".card-title", has_text=re.compile(r"Recovery case #\d+: Submitted"))).to_be_visible()
    case = RecoveryCase.objects.get()
    # Answered questions go quiet.
    expect(step_card(widget, "asset").get_by_role("button", name="USDT")).to_be_disabled()
    screenshot(customer_page, "recovery-walkthrough-case-390")

    # The agent sees the same story in the console.
    pane = pages.agent_accepts(agent_page)
    expect(pane.locator(".card-title", has_text="Found: sent on another network")).to_be_visible()
    expect(pane.locator(".card-title", has_text=f"Recovery case #{case.pk}")).to_be_visible()
    screenshot(agent_page, "recovery-walkthrough-console")

    # The agent manages the case on its page; the customer follows it in the widget.
    agent_page.goto(f"{asgi_server}/recovery/cases/")
    screenshot(agent_page, "recovery-cases-list")
    agent_page.get_by_role("link", name=f"Case {case.pk}").click()
    agent_page.get_by_role("button", name="Start the review").click()
    expect(agent_page.locator(".rc-titlebar .rc-status")).to_have_text("Under review")
    agent_page.get_by_label("Fee to quote").fill("5 USDT")
    agent_page.get_by_label("How long it takes").fill("About 3 working days")
    agent_page.get_by_role("button", name="Send the quote to the customer").click()
    expect(agent_page.locator(".rc-titlebar .rc-status")).to_have_text("Awaiting the customer")
    screenshot(agent_page, "recovery-case-page")
    quote = step_card(widget, "quote")
    expect(quote).to_contain_text("5 USDT")
    quote.get_by_role("button", name="Accept and recover").click()
    expect(widget.locator(".card-title", has_text=f"Recovery case #{case.pk}: Approved")).to_be_visible()
    screenshot(customer_page, "recovery-walkthrough-quote-accepted-390")
    assert customer_page.js_errors == [] and agent_page.js_errors == []


def test_the_agent_starts_the_walkthrough_from_the_console(customer_page, agent_page, asgi_server):
    widget = open_widget(customer_page, asgi_server, user="demo-alice")
    pages.customer_says(widget, "I think I used the wrong network")
    pane = pages.agent_accepts(agent_page)
    pane.get_by_role("button", name="Wrong-network help").click()
    expect(pane.locator('.card-message[data-card-type="recovery.asset"]')).to_be_visible()
    expect(step_card(widget, "asset").get_by_role("button").first).to_be_enabled()
    assert customer_page.js_errors == [] and agent_page.js_errors == []
