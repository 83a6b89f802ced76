# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""Error details are in their reader's language: the widget and the console show `detail` as it comes (a notice or a
toast, or "Not sent: …" under the message). The customer's socket and the survey answer speak the widget token's
language; the agent's socket speaks the console page's (LocaleMiddleware's pick). Codes never change."""

import ast
import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from chat import errors, services
from tests.chat.helpers import agent_socket, send_frame, widget_socket, widget_token
from tests.conftest import require
from tickets import services as tickets_services

ROOT = Path(__file__).resolve().parents[2]
# Raised in chat/ but read on no socket: the supervisor's monitor page (supervisor/monitor_views.py) and the ticket
# page's "Link to this ticket" (chat/ticket_part.py; the ticket page's refusals are English) show them.
NOT_ON_A_SOCKET = {"only supervisors may reassign a chat", "a chat can only be linked to a ticket of the same customer"}
# Said by their code instead (errors.TOO_LONG: "a message may hold at most … characters").
BY_CODE = {"frame too large"}
NOT_ASSIGNEE = {
    "ru": "Сначала примите этот чат, потом отвечайте клиенту.",
    "ar": "اقبل هذه المحادثة أولًا، ثم ردّ على العميل.",
    None: "accept this conversation before replying to the customer",  # no Accept-Language: English
}


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
    assert errors.error_detail("empty_body", "a message needs some text", "xx") == "a message needs some text"
    assert errors.error_detail("empty_body", "a message needs some text", "zh-CN") == "消息是空的，请写点内容。"
    assert errors.error_detail("bad_frame", '"seq" must be an integer', "ru") == '"seq" must be an integer'


async def _waiting_chat(sub: str) -> int:
    customer, _ = await widget_socket(sub=sub)
    await customer.send(send_frame("help please"))
    conversation_id = (await customer.expect("ack", skip=("message", "conversation")))["conversation"]
    await customer.close()
    return conversation_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", list(NOT_ASSIGNEE))
async def test_an_agent_socket_refuses_in_the_consoles_language(alice, lang):
    conversation_id = await _waiting_chat(f"staff-errors-{lang}")
    header = [(b"accept-language", f"{lang}-XX,{lang};q=0.9,en;q=0.5".encode())] if lang else []  # as browsers do
    agent, _ = await agent_socket(alice, extra_headers=header)
    await agent.send(send_frame("hello", conversation=conversation_id))  # replying before accepting
    refused = await agent.expect("error", skip=("queue", "conversation", "offer", "message"))
    assert (refused["code"], refused["detail"]) == ("not_assignee", NOT_ASSIGNEE[lang])
    await agent.send({"type": "read", "conversation": "one"})  # a broken client's frame: for developers
    refused = await agent.expect("error", skip=("queue", "conversation", "offer", "message"))
    assert (refused["code"], refused["detail"]) == ("bad_frame", '"conversation" must be an integer')
    await agent.close()


@pytest.mark.parametrize(
    ("cookies", "accept", "expected"),
    [
        ({}, "", "en"),
        ({}, "fr-FR, ru;q=0.8, ar;q=0.5", "ru"),  # the first language we have
        ({}, "zh-CN,zh;q=0.9", "zh-hans"),
        ({"django_language": "ar"}, "ru", "ar"),  # the language cookie wins, as on a page
        ({"django_language": "xx"}, "bn-BD", "bn"),
    ],
)
def test_the_agents_language_is_the_one_localemiddleware_picks(cookies, accept, expected):
    scope = {"cookies": cookies, "headers": [(b"host", b"testserver"), (b"accept-language", accept.encode())]}
    assert errors.staff_language(scope) == expected


@pytest.mark.django_db
def test_the_survey_refuses_in_the_customers_language(client):
    customer = tickets_services.customer_upsert(external_id="survey-ru", name="Иван", locale="ru")
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="здравствуйте", locale="ru"
    )
    url = f"/chat/survey/{posted.message.conversation_id}/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub='survey-ru', locale='ru')}"}

    def answer(value: str):
        return client.post(url, data=json.dumps({"value": value}), content_type="application/json", **headers)

    early = answer("yes")  # the chat is still open
    assert early.status_code == 400
    assert early.json() == {"error": "still_open", "detail": "Этот вопрос появится, когда чат завершится."}
    services.conversation_end(conversation_id=posted.message.conversation_id, customer=customer)
    wrong = answer("maybe")
    assert wrong.json() == {"error": "bad_answer", "detail": "Выберите ответ: «Да», «Отчасти» или «Нет»."}
    assert answer("partly").json()["answer"] == "partly"


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


def _attachment_details() -> set[str]:
    """chat/attachments/ raises its refusals by name, from chat/attachments/errors.py: the ones its modules use."""
    from chat.attachments import errors as attachment_errors

    used = set()
    for path in (ROOT / "chat" / "attachments").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            value = getattr(attachment_errors, node.id, None) if isinstance(node, ast.Name) else None
            if path.name != "errors.py" and value in attachment_errors.DETAILS:
                used.add(value)
    return used


def test_every_detail_a_person_can_meet_is_listed_for_translation():
    """A new refusal in chat/ must be listed in chat/errors.py (customers' or staff's, and translated), or be said
    where no socket reads it (NOT_ON_A_SOCKET)."""
    chat = ROOT / "chat"
    sources = [
        *sorted((chat / "services").glob("*.py")),
        *sorted((chat / "consumers").glob("*.py")),
        chat / "access.py",
    ]
    raised = set().union(*(_constant_details(path) for path in sources))
    raised |= _attachment_details()
    assert errors.CUSTOMER_DETAILS.isdisjoint(errors.STAFF_DETAILS)
    shared = errors.ATTACHMENT_DETAILS  # uploads and sends with files: both sides meet them
    assert raised - errors.CUSTOMER_DETAILS - errors.STAFF_DETAILS - shared - NOT_ON_A_SOCKET - BY_CODE == set()
    assert errors.LISTED - raised == set()  # nothing listed that is no longer raised
