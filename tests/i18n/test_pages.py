"""Server-rendered pages and cards in each language, and the JavaScript catalogue view."""

import re
import uuid

import pytest
from django.utils import translation

from chat import cards, services
from tests.i18n.catalogues import LANGUAGES
from tickets import services as tickets_services

# (browser Accept-Language, language Django picks, "Sign in", "Write a message…", "Send")
BROWSERS = [
    ("en-GB,en;q=0.8", "en", "Sign in", "Write a message…", "Send"),
    ("ru-RU,ru;q=0.9", "ru", "Войти", "Напишите сообщение…", "Отправить"),
    ("ar-EG,ar;q=0.9", "ar", "تسجيل الدخول", "اكتب رسالة…", "إرسال"),
    ("zh-CN,zh;q=0.9", "zh-hans", "登录", "输入消息…", "发送"),
    ("fil-PH,fil;q=0.9", "fil", "Mag-sign in", "Sumulat ng mensahe…", "Ipadala"),
    ("bn-BD,bn;q=0.9", "bn", "সাইন ইন", "একটি বার্তা লিখুন…", "পাঠান"),
]
SURVEY_TITLE = {
    "en": "Did you feel heard?",
    "ru": "Вы почувствовали, что вас услышали?",
    "ar": "هل شعرت بأننا استمعنا إليك؟",
    "zh-hans": "您觉得我们有认真倾听您吗？",  # noqa: RUF001 (Chinese punctuation)
    "fil": "Naramdaman mo bang pinakinggan ka?",
    "bn": "আপনার কি মনে হয়েছে আমরা আপনার কথা শুনেছি?",
}


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "lang", "sign_in", "_write", "_send"), BROWSERS)
def test_login_page_speaks_the_browser_language(client, header, lang, sign_in, _write, _send):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert f'lang="{lang}"' in _html_tag(response)
    assert ('dir="rtl"' in _html_tag(response)) == (lang == "ar")
    assert f'<button class="primary" type="submit">{sign_in}</button>' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "lang", "_sign_in", "write", "send"), BROWSERS)
def test_widget_frame_speaks_the_browser_language(client, header, lang, _sign_in, write, send):
    html = client.get("/widget/frame/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert f'placeholder="{write}"' in html
    assert f">{send}</button>" in html


@pytest.mark.django_db
def test_console_chrome_speaks_the_agents_language(client, alice):
    client.force_login(alice)
    html = client.get("/console/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Ожидающие клиенты" in html
    assert "Передать этот чат другому сотруднику" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", list(SURVEY_TITLE))
def test_survey_card_speaks_the_conversation_language(lang):
    customer = tickets_services.customer_upsert(external_id=f"cust-{lang}", name="Noor", locale=lang)
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello", locale=lang
    )
    with translation.override("en"):  # the agent's request language must not leak into the customer's card
        card = cards.survey_card(posted.message.conversation)
    assert card["title"] == SURVEY_TITLE[lang]
    assert [choice["value"] for choice in card["blocks"][1]["choices"]] == ["yes", "partly", "no"]


@pytest.mark.django_db
def test_survey_card_falls_back_to_english_for_a_language_we_lack():
    customer = tickets_services.customer_upsert(external_id="cust-de", name="Jonas", locale="de")
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hallo", locale="de"
    )
    assert cards.survey_card(posted.message.conversation)["title"] == "Did you feel heard?"


@pytest.mark.parametrize(
    ("lang", "expected"), [("ru", "Отправить"), ("ar", "إرسال"), ("zh-hans", "发送"), ("fil", "Ipadala"), ("bn", "পাঠান")]
)
def test_js_catalogue_has_the_language(client, lang, expected):
    response = client.get(f"/i18n/{lang}.json")
    assert response.status_code == 200
    data = response.json()
    assert data["catalog"]["Send"] == expected
    assert data["catalog"]["Not sent: {reason}"].count("{reason}") == 1
    assert "January" not in data["catalog"]  # Django's own admin strings stay out: a small download on 2G
    assert "public" in response["Cache-Control"]


def test_js_catalogue_for_english_is_empty_of_our_strings(client):
    response = client.get("/i18n/en.json")
    assert response.status_code == 200
    assert "Send" not in response.json()["catalog"]


@pytest.mark.parametrize("lang", ["xx", "de", "EN", "zh_Hans", "..%2Fsettings"])
def test_js_catalogue_refuses_languages_we_do_not_have(client, lang):
    assert client.get(f"/i18n/{lang}.json").status_code == 404


def test_js_catalogue_needs_no_session_and_sets_no_cookie(client):
    """Public on purpose (customers have no Django session); nothing personal in it, so it may be cached."""
    response = client.get("/i18n/ar.json")
    assert response.status_code == 200
    assert not response.cookies


def test_languages_in_settings_match_the_catalogue_folders(settings):
    assert {code for code, _name in settings.LANGUAGES} == set(LANGUAGES)


def test_js_catalogue_is_small_on_the_wire(client):
    """Sent gzipped and with the letters as themselves: a phone on 2G downloads it in a fraction of a second."""
    plain = client.get("/i18n/bn.json")
    zipped = client.get("/i18n/bn.json", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert "\\u" not in plain.content.decode()
    assert len(zipped.content) < len(plain.content) / 2
    assert set(plain.json()) == {"catalog", "plural"}
