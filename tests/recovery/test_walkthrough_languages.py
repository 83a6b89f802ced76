# ruff: noqa: RUF001 (Russian words are Cyrillic, Chinese punctuation is full width)
"""The walkthrough speaks the conversation's language (docs/i18n.md): cards, echoes and result, whoever answers;
payload values stay the same in every language; staff pages and `lookup_tx --json` keep the English verdict."""

import os
import time

import jwt
import pytest
from django.conf import settings
from django.test import Client
from web3 import Web3

from chat import services as chat_services
from chat.models import Message
from recovery import selectors
from recovery.models import Lookup, RecoveryCase
from tests.conftest import require
from tests.recovery.test_walkthrough import answer
from tests.recovery.test_walkthrough import eager_tasks as eager_tasks  # a fixture, used by name
from tests.support.chains import token_transfer
from tickets import services as tickets_services

# lang: (the customer's first line, asset card title, "Something else", "Sent: USDT" echo, network card title,
#        "I'm not sure", TXID card title, TXID input label, a phrase of the TXID card's first text)
WORDS = {
    "en": (
        "I sent funds on the wrong network.",
        "Let's find your transfer",
        "Something else",
        "Sent: USDT",
        "Which network did you send on?",
        "I'm not sure",
        "Where to find the transaction ID",
        "Paste the TXID or explorer link",
        "receipt number",
    ),
    "ru": (
        "Я отправил(а) средства не в ту сеть.",
        "Давайте найдём ваш перевод",
        "Другое",
        "Отправлено: USDT",
        "В какой сети вы отправили?",
        "Не уверен(а)",
        "Где найти ID транзакции",
        "Вставьте TXID или ссылку из обозревателя блоков",
        "номер квитанции",
    ),
    "ar": (
        "أرسلت أموالًا على الشبكة الخطأ.",
        "لنعثر على تحويلك",
        "شيء آخر",
        "المُرسَل: USDT",
        "على أي شبكة أرسلت؟",
        "لست متأكدًا",
        "أين تجد معرّف المعاملة",
        "الصق TXID أو رابط المستكشف",
        "رقم إيصال التحويل",
    ),
    "zh-hans": (
        "我把资金转到了错误的网络。",
        "我们一起找找您的转账",
        "其他",
        "转出的币种：USDT",
        "您是通过哪个网络转出的？",
        "我不确定",
        "在哪里找到交易 ID",
        "粘贴 TXID 或区块浏览器链接",
        "回执编号",
    ),
    "fil": (
        "Naipadala ko ang pondo sa maling network.",
        "Hanapin natin ang transfer mo",
        "Iba pa",
        "Ipinadala: USDT",
        "Saang network ka nagpadala?",
        "Hindi ako sigurado",
        "Saan makikita ang transaction ID",
        "I-paste ang TXID o explorer link",
        "parang resibo",
    ),
    "bn": (
        "আমি ভুল নেটওয়ার্কে তহবিল পাঠিয়েছি।",
        "চলুন আপনার ট্রান্সফারটি খুঁজে দেখি",
        "অন্য কিছু",
        "পাঠানো হয়েছে: USDT",
        "আপনি কোন নেটওয়ার্কে পাঠিয়েছেন?",
        "আমি নিশ্চিত নই",
        "ট্রানজ্যাকশন আইডি কোথায় পাবেন",
        "TXID বা এক্সপ্লোরারের লিংক পেস্ট করুন",
        "রসিদ নম্বর",
    ),
}

# lang: (result title, a phrase of the explanation, table labels, "Open a recovery case", the case card's title,
#        "Every network has been checked.")
RESULT = {
    "ar": (
        "تم العثور عليها: أُرسلت على شبكة أخرى ويمكن استردادها",
        "العنوان تابع لنا على BNB Smart Chain أيضًا",
        ["الشبكة", "المبلغ", "التأكيدات"],
        "أُرسلت إلى",
        "افتح طلب استرداد",
        "طلب الاسترداد رقم {case}: تم الاستلام",
        "تم فحص كل الشبكات.",
    ),
    "zh-hans": (
        "已找到：通过其他网络发送，可以找回",
        "这个地址在 BNB Smart Chain 上同样属于我们",
        ["网络", "金额", "确认数"],
        "发送至",
        "提交找回申请",
        "找回申请 #{case}：已提交",
        "所有网络都已查询完毕。",
    ),
}


def bearer(customer, locale: str) -> dict:
    claims = {"sub": customer.external_id, "exp": int(time.time()) + 600, "locale": locale}
    return {"HTTP_AUTHORIZATION": f"Bearer {jwt.encode(claims, settings.WIDGET_SECRET, 'HS256')}"}


def cards(conversation_id: int) -> list[dict]:
    return [m.payload for m in Message.objects.filter(conversation_id=conversation_id, kind="card").order_by("seq")]


def speaker(lang: str):
    return tickets_services.customer_upsert(external_id=f"wt-{lang}", name="Noor", locale=lang)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", list(WORDS))
def test_each_step_is_posted_in_the_conversations_language(chains_file, lang):
    first, title, other, echo, network_title, not_sure, txid_title, txid_label, txid_words = WORDS[lang]
    customer, widget = speaker(lang), Client()
    # The browser says English; the chat's language (the token's locale) is what the cards speak.
    started = widget.post("/recovery/walkthrough/start/", HTTP_ACCEPT_LANGUAGE="en", **bearer(customer, lang)).json()
    wid, conversation_id = started["walkthrough"], started["conversation"]
    opening = Message.objects.filter(conversation_id=conversation_id).order_by("seq").first()
    assert opening.author_role == "customer" and opening.body == first

    asset = cards(conversation_id)[0]
    assert asset["title"] == title
    assert asset["type"] == "recovery.asset" and asset["action"]["step"] == "asset"  # payload values unchanged
    assert {"value": "USDT", "label": "USDT"} in asset["blocks"][2]["choices"]
    assert {"value": "other", "label": other} in asset["blocks"][2]["choices"]

    assert answer(widget, wid, "asset", "USDT", **bearer(customer, lang)).status_code == 200
    said, used = cards(conversation_id)[-2:]
    assert said["type"] == "recovery.answer" and said["blocks"] == [{"text": echo}]
    assert used["title"] == network_title
    assert {"value": "not_sure", "label": not_sure} in used["blocks"][1]["choices"]
    assert {"value": "bsc", "label": "BNB Smart Chain"} in used["blocks"][1]["choices"]  # network names kept

    answer(widget, wid, "used_chain", "bsc", **bearer(customer, lang))
    answer(widget, wid, "meant_chain", "ethereum", **bearer(customer, lang))
    txid = cards(conversation_id)[-1]
    assert txid["type"] == "recovery.txid" and txid["title"] == txid_title
    assert txid_words in txid["blocks"][0]["text"] and "TXID" in txid["blocks"][0]["text"]
    field = next(block["input"] for block in txid["blocks"] if "input" in block)
    assert field == {"name": "txid", "label": txid_label, "placeholder": "0x…"}
    # The stored line under each card (notifications, transcripts) is in the same language.
    lines = list(Message.objects.filter(conversation_id=conversation_id, kind="card").values_list("body", flat=True))
    assert network_title in lines


@pytest.mark.django_db
def test_an_english_agent_answering_for_a_russian_customer_posts_russian_cards(chains_file, alice):
    customer = speaker("ru")
    started = Client().post("/recovery/walkthrough/start/", **bearer(customer, "ru")).json()
    chat_services.conversation_accept(agent=alice, conversation_id=started["conversation"])
    console = Client(HTTP_ACCEPT_LANGUAGE="en")
    console.force_login(alice)
    assert answer(console, started["walkthrough"], "asset", "other").status_code == 200
    assert answer(console, started["walkthrough"], "used_chain", "not_sure").status_code == 200
    said = [c["blocks"][0]["text"] for c in cards(started["conversation"]) if c["type"] == "recovery.answer"]
    assert said == ["Отправлено: другое", "Сеть отправки: не уверен(а)"]
    assert cards(started["conversation"])[-1]["title"] == "Какую сеть вы хотели использовать?"


@pytest.mark.django_db
def test_a_refusal_reaches_the_customer_in_their_language(chains_file):
    customer = speaker("ru")
    widget = Client(HTTP_ACCEPT_LANGUAGE="en")
    started = widget.post("/recovery/walkthrough/start/", **bearer(customer, "ru")).json()
    answer(widget, started["walkthrough"], "asset", "USDT", **bearer(customer, "ru"))
    stale = answer(widget, started["walkthrough"], "asset", "BNB", **bearer(customer, "ru"))
    assert stale.status_code == 409 and stale.json() == {
        "error": "stale_step",  # the code stays as it is
        "detail": "На этот вопрос уже ответили — посмотрите последнюю карточку.",
    }


@pytest.mark.django_db
def test_pasting_an_address_answers_in_bengali_and_asks_again(chains_file):
    customer = speaker("bn")
    widget = Client()
    started = widget.post("/recovery/walkthrough/start/", **bearer(customer, "bn")).json()
    for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum")):
        answer(widget, started["walkthrough"], step, value, **bearer(customer, "bn"))
    answer(widget, started["walkthrough"], "txid", "0x" + "ab" * 20, **bearer(customer, "bn"))
    result, again = cards(started["conversation"])[-2:]
    assert result["verdict"] == "invalid_input" and result["title"] == "এটি ট্রানজ্যাকশন আইডি নয়"
    assert "এটি একটি ওয়ালেট ঠিকানা, ট্রানজ্যাকশন আইডি নয়।" in result["blocks"][0]["text"]
    assert result["blocks"][-1]["text"].startswith("এরপর: TXID পেলে আবার পেস্ট করুন")
    assert again["type"] == "recovery.txid" and again["title"] == "ট্রানজ্যাকশন আইডি কোথায় পাবেন"
    # Stored for staff and the command in English.
    lookup = Lookup.objects.get(conversation_id=started["conversation"])
    assert lookup.explanation.startswith("This is a wallet address, not a transaction ID.")


@pytest.mark.chain
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", list(RESULT))
def test_the_verdict_card_speaks_arabic_and_chinese_and_staff_keep_english(
    local_chains,
    chains_file,
    alice,
    eager_tasks,
    lang,
):
    require("anvil")
    title, phrase, labels, sent_to, open_label, case_title, checked = RESULT[lang]
    customer = speaker(lang)
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 250 * 10**6)
    widget = Client()
    started = widget.post("/recovery/walkthrough/start/", **bearer(customer, lang)).json()
    wid, conversation_id = started["walkthrough"], started["conversation"]
    for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum"), ("txid", tx)):
        assert answer(widget, wid, step, value, **bearer(customer, lang)).status_code == 200

    result = cards(conversation_id)[-1]
    assert result["verdict"] == "wrong_network_recoverable" and result["title"] == title
    texts = [block["text"] for block in result["blocks"] if "text" in block]
    assert phrase in texts[0] and "250 USDT" in texts[0]
    table = next(block["table"] for block in result["blocks"] if "table" in block)
    assert [row[0] for row in table["rows"]] == labels and table["rows"][1][1] == "250 USDT"
    # The address in full, to copy (a shortened one cannot be pasted or checked).
    copy = next(block["copy"] for block in result["blocks"] if "copy" in block)
    assert copy == {"label": sent_to, "value": deposit.lower()}
    choices = next(block["choices"] for block in result["blocks"] if "choices" in block)
    assert [c["value"] for c in choices] == ["open", "no"] and choices[0]["label"] == open_label
    assert result["action"]["step"] == "case"

    # The live card's refresh reads in the chat's language for the customer; an English agent reads English, with
    # the customer's version beside it.
    progress = cards(conversation_id)[-2]
    refreshed = widget.get(progress["refresh_url"], **bearer(customer, lang)).json()
    assert refreshed["blocks"][-1] == {"text": checked} and "customer_view" not in refreshed
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    console = Client(HTTP_ACCEPT_LANGUAGE="en")
    console.force_login(alice)
    for_staff = console.get(progress["refresh_url"]).json()
    assert for_staff["blocks"][-1] == {"text": "Every network has been checked."}
    assert for_staff["customer_view"]["blocks"][-1] == {"text": checked}
    # The stored result card is the customer's; staff reading English get it in English from its renders.
    stored = Message.objects.filter(conversation_id=conversation_id, kind="card").order_by("-staff_seq")[0]
    assert stored.renders["en"]["payload"]["title"] == "Found: sent on another network, and recoverable"

    answer(widget, wid, "case", "open", **bearer(customer, lang))
    case = RecoveryCase.objects.get(lookup__conversation_id=conversation_id)
    assert cards(conversation_id)[-1]["title"] == case_title.format(case=case.pk)

    # Staff and the command read the stored English verdict.
    lookup = Lookup.objects.get(pk=result["lookup"])
    assert lookup.explanation.startswith("Your 250 USDT went to your deposit address, but on BNB Smart Chain")
    assert selectors.lookup_json(lookup)["explanation"].startswith("Your 250 USDT went to your deposit address")
    page = console.get(f"/recovery/cases/{case.pk}/").content.decode()
    assert "Your 250 USDT went to your deposit address" in page
