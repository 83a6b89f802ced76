""" "Did you feel heard?": the answer and the comment are both kept, whichever the customer gives first."""

import csv
import html
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from chat.models import Satisfaction
from tests.conftest import require, screenshot
from tests.i18n.browser import PEOPLE, PHONE, customer_says, new_page, open_widget_as

pytestmark = pytest.mark.browser

# lang: (the choices Yes and Partly, "Sent.", the hint shown when the comment comes before the answer)
WORDS = {
    "en": ("Yes", "Partly", "Sent.", "Choose an answer above: your words are sent with it."),
    "ru": ("Да", "Отчасти", "Отправлено.", "Выберите ответ выше: ваши слова будут отправлены вместе с ним."),  # noqa: RUF001
    "ar": ("نعم", "إلى حدّ ما", "تم الإرسال.", "اختر إجابة في الأعلى: ستُرسل كلماتك معها."),
    "zh-hans": ("是", "部分是", "已发送。", "请先在上方选择一个回答，您的留言会随回答一起发送。"),  # noqa: RUF001
    "fil": ("Oo", "Medyo", "Naipadala na.", "Pumili muna ng sagot sa itaas: kasama itong ipapadala ng mga sinulat mo."),
    "bn": ("হ্যাঁ", "কিছুটা", "পাঠানো হয়েছে।", "ওপরে একটি উত্তর বেছে নিন: আপনার কথাগুলো সেটির সঙ্গেই পাঠানো হবে।"),
}


def _survey_after_ending(widget, words: str):
    customer_says(widget, words)
    expect(widget.locator("#w-messages .msg-customer .msg-body", has_text=words)).to_have_count(1)
    widget.locator("#w-end").click()
    widget.locator("#w-end").click()  # "Yes, end the chat"
    survey = widget.locator('.card-message[data-card-type="survey.heard"]')
    expect(survey).to_have_count(1)
    return survey


def _stored(sub: str) -> Satisfaction | None:
    return Satisfaction.objects.filter(conversation__customer__external_id=sub).first()


def _supervisor_sees(sofia, conversation_id: int, answer_label: str, comment: str) -> None:
    """The transcript page and both exports show the answer and the comment."""
    client = Client()
    client.force_login(sofia)
    page = client.get(reverse("transcript", args=[conversation_id])).content.decode()
    assert answer_label in page and html.escape(comment) in page
    exported = json.loads(client.get(reverse("transcript_json", args=[conversation_id])).content)
    answers = [e["data"] for e in exported["timeline"] if e["kind"] == "chat.satisfaction"]
    assert answers[-1]["answer"] and answers[-1]["comment"] == comment
    exported_csv = client.get(reverse("transcript_csv", args=[conversation_id])).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported_csv)))
    last = [row for row in rows if row["kind"] == "chat.satisfaction"][-1]
    assert comment in last["text"] and comment in last["data"]


def test_answer_first_then_a_comment_keeps_both(browser, asgi_server, sofia):
    require("postgres", "redis")
    sub = PEOPLE["en"][0]
    context, page = new_page(browser, PHONE)
    try:
        widget = open_widget_as(page, asgi_server, "en")
        survey = _survey_after_ending(widget, "my deposit is late")
        survey.get_by_role("button", name="Partly").click()
        expect(survey.locator(".card-status")).to_have_text("Sent.")
        expect(survey.get_by_role("button", name="Partly")).to_have_attribute("aria-pressed", "true")
        assert (_stored(sub).answer, _stored(sub).comment) == ("partly", "")

        survey.locator(".card-input input").fill("It took a while, but Amir stayed with me.")
        survey.locator(".card-input button").click()
        expect(survey.locator(".card-status")).to_have_text("Sent.")
        expect(survey.locator(".card-status")).not_to_contain_text("Not sent")
        rating = _stored(sub)
        assert (rating.answer, rating.comment) == ("partly", "It took a while, but Amir stayed with me.")
        screenshot(page, "survey-answer-then-comment-390")
        _supervisor_sees(sofia, rating.conversation_id, "Partly", "It took a while, but Amir stayed with me.")
        assert page.js_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", list(WORDS))
def test_a_comment_written_first_goes_with_the_answer(browser, asgi_server, sofia, lang):
    require("postgres", "redis")
    yes, _partly, sent, hint = WORDS[lang]
    sub, _name, words, comment = PEOPLE[lang]
    context, page = new_page(browser, PHONE)
    try:
        widget = open_widget_as(page, asgi_server, lang)
        survey = _survey_after_ending(widget, words)
        survey.locator(".card-input input").fill(comment)
        survey.locator(".card-input button").click()  # before any answer: nothing is lost, the words wait
        expect(survey.locator(".card-status")).to_have_text(hint)
        expect(survey.locator(".card-input input")).to_have_value(comment)
        assert _stored(sub) is None
        screenshot(page, f"survey-comment-first-{lang}-390")

        survey.get_by_role("button", name=yes, exact=True).click()
        expect(survey.locator(".card-status")).to_have_text(sent)
        rating = _stored(sub)
        assert (rating.answer, rating.comment) == ("yes", comment)
        _supervisor_sees(sofia, rating.conversation_id, "Yes", comment)
        assert page.js_errors == []
    finally:
        context.close()


def test_a_comment_typed_but_not_sent_still_goes_with_the_answer(browser, asgi_server):
    require("postgres", "redis")
    sub = PEOPLE["ru"][0]
    context, page = new_page(browser, PHONE)
    try:
        widget = open_widget_as(page, asgi_server, "ru")
        survey = _survey_after_ending(widget, "Где мой перевод?")
        survey.locator(".card-input input").fill("Спасибо, всё понятно.")
        survey.get_by_role("button", name="Отчасти").click()
        expect(survey.locator(".card-status")).to_have_text("Отправлено.")
        rating = _stored(sub)
        assert (rating.answer, rating.comment) == ("partly", "Спасибо, всё понятно.")
    finally:
        context.close()
