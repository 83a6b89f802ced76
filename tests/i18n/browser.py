"""Browser helpers for the language and accessibility tests: a customer in a given language, an agent who answers."""

import time
import uuid

import jwt
from django.conf import settings
from playwright.sync_api import expect

from chat import selectors, services
from tests.chat.pages import off_the_loop

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}

# A customer per language: (token sub, name, first words, the agent's answer)
PEOPLE = {
    "en": ("i18n-en", "Emma Clarke", "I sent USDT on the wrong network", "I'm here, Emma. Let's look at it together."),
    "ru": ("i18n-ru", "Иван Петров", "Я отправил USDT не в ту сеть", "Я здесь, Иван. Давайте разберёмся вместе."),
    "ar": ("i18n-ar", "ليلى حسن", "أرسلت USDT على الشبكة الخطأ", "أنا هنا يا ليلى. لنتحقق من الأمر معًا."),
    "zh-hans": ("i18n-zh", "王小明", "我把 USDT 转到了错误的网络", "我在这里，小明。我们一起看看。"),  # noqa: RUF001
    "fil": (
        "i18n-fil",
        "Maria Santos",
        "Naipadala ko ang USDT sa maling network",
        "Nandito ako, Maria. Tingnan natin.",
    ),
    "bn": ("i18n-bn", "রহিম উদ্দিন", "আমি ভুল নেটওয়ার্কে USDT পাঠিয়েছি", "আমি আছি, রহিম। চলুন একসাথে দেখি।"),
}


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return context, page


def serve_token(page, *, sub: str, name: str, locale: str | None) -> None:
    """Stand in for the exchange's backend: sign the widget token with the customer's locale claim."""
    claims = {"sub": sub, "name": name, "exp": int(time.time()) + 600}
    if locale:
        claims["locale"] = locale
    token = jwt.encode(claims, settings.WIDGET_SECRET, algorithm="HS256")
    page.route("**/demo/token**", lambda route: route.fulfill(json={"token": token}))


def open_widget_as(page, base: str, lang: str | None, *, sub: str | None = None, name: str | None = None):
    person = PEOPLE.get(lang or "en")
    serve_token(page, sub=sub or person[0], name=name or person[1], locale=lang)
    page.goto(f"{base}/demo/exchange/?user={sub or person[0]}")
    page.locator(".helpdesk-launcher").click()
    widget = page.frame_locator("#helpdesk-frame")
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "online")
    return widget


def customer_says(widget, text: str) -> None:
    widget.locator("#w-input").fill(text)
    widget.locator("#w-input").press("Enter")


def agent_answers(agent, customer_sub: str, text: str) -> None:
    """The agent takes the customer's chat and answers it, through the services (no console needed)."""

    def answer():
        deadline = time.monotonic() + 10
        while (conversation := _waiting(customer_sub)) is None:  # the first words may still be on their way
            assert time.monotonic() < deadline, f"{customer_sub} never reached the queue"
            time.sleep(0.05)
        services.conversation_accept(agent=agent, conversation_id=conversation.pk)
        services.agent_message_post(agent=agent, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body=text)

    off_the_loop(answer)


def _waiting(customer_sub: str):
    return next((c for c in selectors.queue() if c.customer.external_id == customer_sub), None)
