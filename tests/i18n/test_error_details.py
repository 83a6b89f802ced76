# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""Error details on the customer's socket are in the socket's language: the widget shows `detail` as it comes
(static/widget/widget.js: a notice, or "Not sent: …" under the message). Codes never change."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from chat import errors
from tests.chat.helpers import send_frame, widget_socket
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
# Refusals only staff meet (the console's own frames); the console is not the customer's widget.
STAFF_ONLY = {
    "accept this conversation before replying to the customer",
    "kind must be text or note",
    "only staff may write here",
    "another agent has already accepted this conversation",
    "say a few words to the next agent about where things stand",
    "no such agent",
    "only the agent holding the chat can hand it off",
    "this chat is already yours",
    "only supervisors may reassign a chat",
    "only the agent holding the chat can end it",
    "answer yes, partly or no",  # the survey is answered over HTTP (chat/views.py)
    "the question comes when the chat has ended",
}
# Said by their code instead (errors.TOO_LONG: "a message may hold at most … characters").
BY_CODE = {"frame too large"}


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


@pytest.mark.django_db(transaction=True)
async def test_a_russian_customers_socket_refuses_in_russian():
    socket, _ = await widget_socket(sub="errors-ru", locale="ru")
    await socket.send(send_frame("   "))
    empty = await socket.expect("error")
    assert empty["code"] == "empty_body" and empty["detail"] == "Сообщение пустое — напишите хотя бы несколько слов."
    await socket.send(send_frame("x" * (settings.CHAT_MAX_BODY + 1)))
    long = await socket.expect("error")
    n = settings.CHAT_MAX_BODY
    assert long["code"] == "too_long" and long["detail"] == f"В сообщении может быть не больше {n} символов."
    await socket.send({"type": "hello", "token": "again"})
    again = await socket.expect("error")
    assert again["code"] == "already_hello" and again["detail"] == "Это соединение уже отправило hello."
    await socket.close()


@pytest.mark.django_db(transaction=True)
async def test_arabic_is_translated_while_english_and_field_errors_stay_as_raised():
    arabic, _ = await widget_socket(sub="errors-ar", locale="ar")
    await arabic.send(send_frame(""))
    assert (await arabic.expect("error"))["detail"] == "الرسالة فارغة، اكتب بضع كلمات من فضلك."
    await arabic.close()
    english, _ = await widget_socket(sub="errors-en", locale="en")
    await english.send(send_frame(""))
    assert (await english.expect("error"))["detail"] == "a message needs some text"  # the developers' words
    await english.send({"type": "send", "client_msg_id": "not-a-uuid", "body": "hi"})
    assert (await english.expect("error"))["code"] == "bad_frame"
    await english.close()


def test_a_locale_we_do_not_have_falls_back_to_english():
    assert errors.customer_detail("empty_body", "a message needs some text", "xx") == "a message needs some text"
    assert errors.customer_detail("empty_body", "a message needs some text", "zh-CN") == "消息是空的，请写点内容。"
    assert errors.customer_detail("bad_frame", '"seq" must be an integer', "ru") == '"seq" must be an integer'


def _constant_details(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        detail = node.args[-1]
        if name in ("ChatError", "FrameError", "TokenError", "send_error") and isinstance(detail, ast.Constant):
            found.add(detail.value)
    return found


def test_every_detail_a_customer_can_meet_is_listed_for_translation():
    """A new refusal in chat/ must be listed in chat/errors.py (and translated) or named staff-only here."""
    raised = set().union(
        *(_constant_details(ROOT / "chat" / name) for name in ("services.py", "consumers.py", "access.py"))
    )
    assert raised - errors.CUSTOMER_DETAILS - STAFF_ONLY - BY_CODE == set()
    assert errors.CUSTOMER_DETAILS - raised == set()  # nothing listed that is no longer raised
