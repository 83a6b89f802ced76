"""The widget in each language, chosen by the token's locale over the browser's; Arabic right to left."""

import pytest
from playwright.sync_api import expect

from tests.conftest import require, screenshot
from tests.i18n.browser import PEOPLE, PHONE, agent_answers, customer_says, new_page, open_widget_as

pytestmark = pytest.mark.browser

# lang: (state line when connected, composer placeholder, send button, end-chat button)
EXPECTED = {
    "en": ("Connected", "Write a message…", "Send", "End chat"),
    "ru": ("Подключено", "Напишите сообщение…", "Отправить", "Завершить чат"),
    "ar": ("متصل", "اكتب رسالة…", "إرسال", "إنهاء المحادثة"),
    "zh-hans": ("已连接", "输入消息…", "发送", "结束对话"),
    "fil": ("Nakakonekta", "Sumulat ng mensahe…", "Ipadala", "Tapusin ang chat"),
    "bn": ("সংযুক্ত", "একটি বার্তা লিখুন…", "পাঠান", "চ্যাট শেষ করুন"),
}


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_widget_speaks_the_customers_language(browser, asgi_server, alice, lang):
    require("postgres", "redis")
    connected, placeholder, send, end = EXPECTED[lang]
    sub, _name, words, answer = PEOPLE[lang]
    # The browser says English; the token's locale is the customer's language on the exchange and wins.
    context, page = new_page(browser, PHONE, locale="en-US")
    try:
        widget = open_widget_as(page, asgi_server, lang)
        html = widget.locator("html")
        expect(html).to_have_attribute("lang", lang)
        expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
        expect(widget.locator("#w-state")).to_have_text(connected)
        expect(widget.locator("#w-input")).to_have_attribute("placeholder", placeholder)
        expect(widget.locator(".w-send")).to_have_text(send)

        customer_says(widget, words)
        mine = widget.locator("#w-messages .msg-customer").last
        expect(mine.locator(".msg-body")).to_have_text(words)
        expect(widget.locator("#w-end")).to_have_text(end)
        agent_answers(alice, sub, answer)
        theirs = widget.locator("#w-messages .msg-agent .msg-body", has_text=answer)
        expect(theirs).to_have_count(1)

        _assert_sides(widget, mirrored=lang == "ar")
        screenshot(page, f"i18n-widget-{lang}")
        assert page.js_errors == []
    finally:
        context.close()


def _assert_sides(widget, *, mirrored: bool) -> None:
    """The customer's own bubbles sit at the inline end: the right in English, the left in Arabic."""
    width = widget.locator("#w-scroll").bounding_box()["width"]
    mine = widget.locator("#w-messages .msg-customer .msg-body").last.bounding_box()
    theirs = widget.locator("#w-messages .msg-agent .msg-body").last.bounding_box()
    if mirrored:
        assert mine["x"] < width / 2 < theirs["x"] + theirs["width"]
        assert mine["x"] < theirs["x"]
    else:
        assert theirs["x"] < width / 2 < mine["x"] + mine["width"]
        assert theirs["x"] < mine["x"]


def test_widget_follows_the_browser_when_the_token_has_no_locale(browser, asgi_server):
    require("postgres", "redis")
    context, page = new_page(browser, PHONE, locale="ru-RU")
    try:
        widget = open_widget_as(page, asgi_server, None, sub="i18n-browser-ru", name="Ольга")
        expect(widget.locator("html")).to_have_attribute("lang", "ru")
        expect(widget.locator("#w-state")).to_have_text("Подключено")
        expect(widget.locator("#w-input")).to_have_attribute("placeholder", "Напишите сообщение…")
    finally:
        context.close()


def test_english_words_in_an_arabic_chat_keep_their_own_direction(browser, asgi_server):
    require("postgres", "redis")
    context, page = new_page(browser, PHONE, locale="ar")
    try:
        widget = open_widget_as(page, asgi_server, "ar")
        txid = "TXID 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
        for text, direction in [(txid, "ltr"), ("شكرًا", "rtl")]:
            customer_says(widget, text)
            body = widget.locator("#w-messages .msg-customer .msg-body", has_text=text)
            expect(body).to_have_count(1)
            expect(body).to_have_attribute("dir", "auto")
            assert body.evaluate("node => getComputedStyle(node).direction") == direction
    finally:
        context.close()
