# ruff: noqa: RUF001 (Russian and Arabic words)
"""ngettext, durations and sizes in a real Chromium, from the served catalogues (static/js/i18n.js): each language's
own plural forms, and lengths of time in its words (the supervisor's live monitor shows them)."""

import re

import pytest

from tests.conftest import login, require, screenshot
from tests.supervisor.factories import chat

pytestmark = pytest.mark.browser

SAY = """async (lang) => {
  const m = await import("/static/js/i18n.js");
  await m.useLanguage(lang);
  const files = (n) => m.ngettext("At most {n} file in one message.", "At most {n} files in one message.", n);
  const { humanSize } = await import("/static/js/attachments.js");
  return {
    files: Object.fromEntries([0, 1, 2, 3, 5, 11, 21, 100].map((n) => [n, files(n)])),
    hour: m.duration(3725),
    minutes: m.duration(420, { smallest: "minute" }),
    seconds: m.duration(42),
    size: humanSize(2.5 * 1024 * 1024),
  };
}"""


def say(page, lang: str) -> dict:
    said = page.evaluate(SAY, lang)
    said["files"] = {int(n): text for n, text in said["files"].items()}
    return said


def test_counts_and_durations_in_each_language(page, asgi_server):
    require("chromium")
    page.goto(f"{asgi_server}/demo/exchange/")
    russian = say(page, "ru")
    assert russian["files"][1] == "Не больше 1 файла в одном сообщении."
    assert russian["files"][3] == russian["files"][5].replace("5", "3") == "Не больше 3 файлов в одном сообщении."
    assert russian["files"][21] == "Не больше 21 файла в одном сообщении."
    assert "ч" in russian["hour"] and "мин" in russian["hour"] and "с" in russian["seconds"]
    assert russian["size"] in ("2,5 МБ", "2,5\u00a0МБ")
    arabic = say(page, "ar")
    assert arabic["files"][0] == "لا ملفات في الرسالة الواحدة."
    assert arabic["files"][2] == "ملفان على الأكثر في الرسالة الواحدة."
    assert arabic["files"][11].endswith(" ملفًا على الأكثر في الرسالة الواحدة.")  # 11, in the digits Intl picks
    assert len({re.sub(r"\d+", "#", text) for text in arabic["files"].values()}) == 6  # six forms for 8 numbers
    english = say(page, "en")
    assert english["files"][1] == "At most 1 file in one message." and english["files"][2].endswith(
        "2 files in one message."
    )
    assert english["hour"] in ("1 hr, 2 min", "1 hr 2 min") and english["seconds"] == "42 sec"
    chinese = say(page, "zh-hans")
    assert len(set(chinese["files"].values())) == len(chinese["files"])  # one form, the number changes
    assert page.js_errors == []


def test_the_monitors_clocks_speak_the_page_language(page, asgi_server, sofia, alice, customer):
    require("redis", "postgres")
    chat(customer, ["Мои USDT не пришли"], agent=alice)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": asgi_server}])
    login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
    page.goto(f"{asgi_server}/monitor/")
    clock = page.locator("[data-since]").first
    page.wait_for_function("() => /[а-я]/.test(document.querySelector('[data-since]')?.textContent || '')")
    assert "s" not in clock.inner_text().replace("с", "")  # no English unit left
    screenshot(page, "monitor-clocks-ru")
    assert page.js_errors == []
