# ruff: noqa: RUF001 (words in other scripts)
"""Waiting, acknowledged: after the first message the widget says the customer is in line, where, how many agents
are online, that they may leave the page, in their language; it follows the changes and goes once an agent has
accepted. Chromium at phone width, the real ASGI server, PostgreSQL and the Redis channel layer."""

import pytest
from playwright.sync_api import expect

from accounts import services as accounts_services
from chat import access, selectors, services
from tests.chat.pages import off_the_loop
from tests.conftest import require, screenshot
from tests.i18n.browser import PEOPLE, PHONE, customer_says, new_page, open_widget_as

pytestmark = pytest.mark.browser

# lang: (next in line, number 2 in line, one agent online, nobody online, you may leave)
WORDS = {
    "en": (
        "You're next in line.",
        "You are number 2 in line.",
        "Agents online now: 1",
        "No agent is online right now. The first to arrive will answer you.",
        "You can leave this page: your chat waits for you and nothing closes it. Come back any time to read the "
        "answer.",
    ),
    "ru": (
        "Ваша очередь следующая.",
        "Ваш номер в очереди: 2.",
        "Сотрудников поддержки в сети: 1",
        "Сейчас никого из поддержки нет в сети. Первый, кто подключится, ответит вам.",
        "Вы можете уйти с этой страницы: чат вас дождётся, и ничто его не закроет. Возвращайтесь в любое время, "
        "чтобы прочитать ответ.",
    ),
    "ar": (
        "دورك هو التالي.",
        "ترتيبك في الدور: 2.",
        "موظفو الدعم المتصلون الآن: 1",
        "لا يوجد موظف دعم متصل الآن. أول من يتصل سيرد عليك.",
        "يمكنك مغادرة هذه الصفحة: ستنتظرك المحادثة ولن يغلقها شيء. عُد في أي وقت لقراءة الرد.",
    ),
    "zh-hans": (
        "下一位就是您。",
        "您在队列中排第 2 位。",
        "当前在线客服：1 位",
        "目前没有客服在线。第一位上线的客服会回复您。",
        "您可以离开此页面：对话会一直等您，不会被关闭。随时回来查看回复。",
    ),
    "fil": (
        "Ikaw na ang susunod.",
        "Ika-2 ka sa pila.",
        "Mga agent na online ngayon: 1",
        "Walang agent na online ngayon. Ang unang darating ang sasagot sa iyo.",
        "Puwede mong iwan ang page na ito: hihintayin ka ng chat at walang magsasara nito. Bumalik ka anumang oras "
        "para basahin ang sagot.",
    ),
    "bn": (
        "এর পরেই আপনার পালা।",
        "অপেক্ষার সারিতে আপনার স্থান: ২।",
        "এখন অনলাইনে থাকা এজেন্ট: ১ জন",
        "এই মুহূর্তে কোনো এজেন্ট অনলাইনে নেই। যিনি প্রথম আসবেন, তিনিই আপনাকে উত্তর দেবেন।",
        "আপনি এই পেজ ছেড়ে যেতে পারেন: চ্যাট আপনার জন্য অপেক্ষা করবে, কিছুই এটি বন্ধ করবে না। উত্তর পড়তে যেকোনো সময় ফিরে আসুন।",
    ),
}


def _waiting_chat_of(sub: str):
    return next(c for c in selectors.queue() if c.customer.external_id == sub)


@pytest.mark.parametrize("lang", list(WORDS))
def test_the_first_message_is_acknowledged_with_the_place_in_line(browser, asgi_server, alice, lang):
    require("postgres", "redis")
    next_in_line, _second, one_online, _nobody, may_leave = WORDS[lang]
    off_the_loop(accounts_services.presence_set, user=alice, presence="online")
    context, page = new_page(browser, PHONE, locale="en-US")
    try:
        widget = open_widget_as(page, asgi_server, lang)
        panel = widget.locator("#w-waiting")
        expect(panel).to_be_hidden()
        customer_says(widget, PEOPLE[lang][2])
        expect(panel).to_be_visible()
        expect(panel.locator(".w-waiting-place")).to_have_text(next_in_line)
        expect(panel.locator(".w-waiting-agents")).to_have_text(one_online)
        expect(panel.locator(".w-waiting-leave")).to_have_text(may_leave)
        expect(panel).to_have_attribute("role", "status")
        assert widget.locator("#w-scroll").evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        screenshot(page, f"widget-waiting-{lang}-390")
        assert page.js_errors == []
    finally:
        context.close()


def test_the_place_follows_the_queue_and_goes_once_an_agent_accepts(browser, asgi_server, alice, bob):
    require("postgres", "redis")
    next_in_line, second, one_online, nobody, _leave = WORDS["en"]
    first_context, first_page = new_page(browser, PHONE)
    second_context, second_page = new_page(browser, PHONE)
    try:
        first = open_widget_as(first_page, asgi_server, "en", sub="line-first", name="Fatima First")
        customer_says(first, "my deposit is missing")
        expect(first.locator(".w-waiting-place")).to_have_text(next_in_line)
        expect(first.locator(".w-waiting-agents")).to_have_text(nobody)
        screenshot(first_page, "widget-waiting-nobody-online-390")

        waiting_second = open_widget_as(second_page, asgi_server, "en", sub="line-second", name="Sam Second")
        customer_says(waiting_second, "withdrawal stuck")
        expect(waiting_second.locator(".w-waiting-place")).to_have_text(second)

        off_the_loop(access.set_presence, alice, "online")  # an agent arrives: both are told
        expect(first.locator(".w-waiting-agents")).to_have_text(one_online)
        expect(waiting_second.locator(".w-waiting-agents")).to_have_text(one_online)

        accepted = off_the_loop(_waiting_chat_of, "line-first")
        off_the_loop(services.conversation_accept, agent=alice, conversation_id=accepted.pk)
        expect(first.locator("#w-waiting")).to_be_hidden()  # someone is here: the line is behind them
        expect(waiting_second.locator(".w-waiting-place")).to_have_text(next_in_line)

        second_page.reload()  # back on the page: still told where they stand
        second_page.locator(".helpdesk-launcher").click()
        waiting_second = second_page.frame_locator("#helpdesk-frame")
        expect(waiting_second.locator(".w-waiting-place")).to_have_text(next_in_line)
        expect(waiting_second.locator(".w-waiting-agents")).to_have_text(one_online)
        assert first_page.js_errors == [] and second_page.js_errors == []
    finally:
        first_context.close()
        second_context.close()
