# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""The walkthrough says each thing once: an answer shows on the card it answers (no "Sent." beside a second bubble
that looks as if support wrote it), and the wrong-network chip hides while a walkthrough runs and comes back once it
ended. demo-alice on the demo exchange page at phone width, the demo's local chains and a real Celery worker."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot
from tests.i18n.browser import PHONE, new_page, open_widget_as
from tests.recovery.test_walkthrough_browser import demo_chains as demo_chains  # a fixture, used by name
from tests.recovery.test_walkthrough_browser import step_card

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.worker]

WORDS = {
    "en": {
        "chip": "I sent crypto to the wrong network",
        "asset": "Sent: USDT",
        "used": "Sent on: BNB Smart Chain",
        "meant": "Meant: Ethereum",
        "not_now": "Not now",
        "sent": "Sent.",
    },
    "ru": {
        "chip": "Я отправил(а) криптовалюту не в ту сеть",
        "asset": "Отправлено: USDT",
        "used": "Сеть отправки: BNB Smart Chain",
        "meant": "Нужная сеть: Ethereum",
        "not_now": "Не сейчас",
        "sent": "Отправлено.",
    },
    "ar": {
        "chip": "أرسلت عملات رقمية على الشبكة الخطأ",
        "asset": "المُرسَل: USDT",
        "used": "شبكة الإرسال: BNB Smart Chain",
        "meant": "الشبكة المقصودة: Ethereum",
        "not_now": "ليس الآن",
        "sent": "تم الإرسال.",
    },
}


def _said_once(widget, card, words: str) -> None:
    """The answer is on its card, and nowhere else in the chat (the button that gave it aside)."""
    expect(card.locator(".card-answer")).to_have_text(words)
    said = widget.locator("#w-messages p, #w-messages .msg-body").filter(has_text=re.compile(f"^{re.escape(words)}$"))
    expect(said).to_have_count(1)


@pytest.mark.parametrize("lang", list(WORDS))
def test_each_answer_is_said_once_and_the_chip_waits_for_the_end(demo_chains, worker, browser, asgi_server, lang):
    words = WORDS[lang]
    context, page = new_page(browser, PHONE, locale="en-US")
    try:
        widget = open_widget_as(page, asgi_server, lang, sub="demo-alice", name="Alice")
        chip = widget.get_by_role("button", name=words["chip"])
        expect(chip).to_be_visible()
        chip.click()
        expect(step_card(widget, "asset")).to_be_visible()
        expect(chip).to_be_hidden()  # a walkthrough runs: no second one is offered

        step_card(widget, "asset").get_by_role("button", name="USDT").click()
        _said_once(widget, step_card(widget, "asset"), words["asset"])
        step_card(widget, "used_chain").get_by_role("button", name="BNB Smart Chain").click()
        _said_once(widget, step_card(widget, "used_chain"), words["used"])
        step_card(widget, "meant_chain").get_by_role("button", name="Ethereum").click()
        _said_once(widget, step_card(widget, "meant_chain"), words["meant"])
        # No answer bubble of its own, and no "Sent." left beside the answer.
        expect(widget.locator('.card-message[data-card-type="recovery.answer"]')).to_have_count(0)
        expect(widget.locator(".card-status", has_text=words["sent"])).to_have_count(0)
        expect(chip).to_be_hidden()
        screenshot(page, f"walkthrough-once-{lang}-390")

        txid_card = step_card(widget, "txid")
        txid_card.locator("input").fill(demo_chains["wrong_network"])
        txid_card.locator("input").press("Enter")
        expect(txid_card.locator(".card-answer")).to_have_text(f"TXID: {demo_chains['wrong_network']}")
        result = step_card(widget, "case")
        expect(result.get_by_role("button", name=words["not_now"])).to_be_enabled(timeout=30_000)
        expect(chip).to_be_hidden()

        result.get_by_role("button", name=words["not_now"]).click()  # the walkthrough ends here
        _said_once(widget, result, words["not_now"])
        expect(chip).to_be_visible()  # offered again, now that it ended
        screenshot(page, f"walkthrough-ended-{lang}-390")

        page.reload()  # a fresh page replays the chat: still each answer once, the chip still offered
        page.locator(".helpdesk-launcher").click()
        widget = page.frame_locator("#helpdesk-frame")
        _said_once(widget, step_card(widget, "asset"), words["asset"])
        _said_once(widget, step_card(widget, "case"), words["not_now"])
        expect(widget.get_by_role("button", name=words["chip"])).to_be_visible()
        assert page.js_errors == []
    finally:
        context.close()


def test_the_chip_stays_hidden_after_a_reload_while_a_walkthrough_runs(demo_chains, worker, browser, asgi_server):
    context, page = new_page(browser, PHONE, locale="en-US")
    try:
        widget = open_widget_as(page, asgi_server, "en", sub="demo-alice", name="Alice")
        widget.get_by_role("button", name=WORDS["en"]["chip"]).click()
        step_card(widget, "asset").get_by_role("button", name="USDT").click()
        expect(step_card(widget, "used_chain")).to_be_visible()
        page.reload()
        page.locator(".helpdesk-launcher").click()
        widget = page.frame_locator("#helpdesk-frame")
        expect(step_card(widget, "used_chain")).to_be_visible()
        expect(widget.get_by_role("button", name=WORDS["en"]["chip"])).to_be_hidden()
    finally:
        context.close()
