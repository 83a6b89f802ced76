# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""The walkthrough in the widget at phone width, in Arabic (right to left) and Russian: demo-alice's token says her
language, the browser says English. The demo's local chains, a real Celery worker (as in test_walkthrough_browser)."""

import re

import pytest
from playwright.sync_api import expect

from recovery.models import RecoveryCase
from tests.conftest import screenshot
from tests.i18n.browser import PHONE, new_page, open_widget_as
from tests.recovery.test_walkthrough_browser import demo_chains as demo_chains  # a fixture, used by name
from tests.recovery.test_walkthrough_browser import step_card

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.worker]

WORDS = {
    "ar": {
        "start": "أرسلت عملات رقمية على الشبكة الخطأ",
        "asset": "لنعثر على تحويلك",
        "used": "على أي شبكة أرسلت؟",
        "txid": "أين تجد معرّف المعاملة",
        "found": "تم العثور عليها: أُرسلت على شبكة أخرى ويمكن استردادها",
        "open": "افتح طلب استرداد",
        "case": "طلب الاسترداد رقم {case}: تم الاستلام",
    },
    "ru": {
        "start": "Я отправил(а) криптовалюту не в ту сеть",
        "asset": "Давайте найдём ваш перевод",
        "used": "В какой сети вы отправили?",
        "txid": "Где найти ID транзакции",
        "found": "Найдено: отправлено в другой сети, средства можно вернуть",
        "open": "Открыть заявку на возврат",
        "case": "Заявка на возврат №{case}: принята",
    },
}


@pytest.mark.parametrize("lang", list(WORDS))
def test_the_walkthrough_in_the_customers_language_at_phone_width(demo_chains, worker, browser, asgi_server, lang):
    words = WORDS[lang]
    context, page = new_page(browser, PHONE, locale="en-US")
    try:
        widget = open_widget_as(page, asgi_server, lang, sub="demo-alice", name="Alice")
        widget.get_by_role("button", name=words["start"]).click()
        expect(step_card(widget, "asset").locator(".card-title")).to_have_text(words["asset"])
        step_card(widget, "asset").get_by_role("button", name="USDT").click()
        expect(step_card(widget, "used_chain").locator(".card-title")).to_have_text(words["used"])
        step_card(widget, "used_chain").get_by_role("button", name="BNB Smart Chain").click()
        step_card(widget, "meant_chain").get_by_role("button", name="Ethereum").click()
        txid_card = step_card(widget, "txid")
        expect(txid_card.locator(".card-title")).to_have_text(words["txid"])
        _assert_fits(widget, rtl=lang == "ar")
        screenshot(page, f"recovery-walkthrough-{lang}-txid-390")

        txid_card.locator("input").fill(demo_chains["wrong_network"])
        txid_card.locator("input").press("Enter")
        result = step_card(widget, "case")
        expect(result.locator(".card-title")).to_have_text(words["found"], timeout=30_000)
        expect(result).to_contain_text("250 USDT")
        _assert_fits(widget, rtl=lang == "ar")
        screenshot(page, f"recovery-walkthrough-{lang}-result-390")

        result.get_by_role("button", name=words["open"]).click()
        case_card = step_card(widget, "note").locator(".card-title")  # a case's status is a note card
        expect(case_card).to_have_text(re.compile(re.escape(words["case"]).replace(r"\{case\}", r"\d+")))
        expect(case_card).to_have_text(words["case"].format(case=RecoveryCase.objects.get().pk))
        screenshot(page, f"recovery-walkthrough-{lang}-case-390")
        assert page.js_errors == []
    finally:
        context.close()


def _assert_fits(widget, *, rtl: bool) -> None:
    """Nothing wider than the phone (long hashes and links wrap); Arabic cards read right to left."""
    scroller = widget.locator("#w-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    for card in widget.locator(".card-message").all():
        direction = card.evaluate("el => getComputedStyle(el).direction")
        title = card.locator(".card-title")
        if title.count() and direction != ("rtl" if rtl else "ltr"):
            raise AssertionError(f"card {title.inner_text()!r} reads {direction}")
