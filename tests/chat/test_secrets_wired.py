"""Secrets nobody keeps (docs/SECURITY.md): a seed phrase or private key a customer sends is removed before it is
stored or sent, on every path their words take; frames say what was removed, live and replayed alike; the customer
reads a warning at once; and no copy is left in the database, the webhooks, the exports or the logs."""

import json
import logging
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.db import connection
from mnemonic import Mnemonic

from chat import broadcast, services
from chat.models import Conversation, Message
from chat.screening import secret_warning_card
from tests.chat.helpers import agent_socket, send_frame, widget_socket
from tests.conftest import require
from tickets import services as tickets_services

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))  # 12 words with a valid checksum
WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"  # the textbook uncompressed WIF key
FIRST_WORD = PHRASE.split()[0]
SECRET_PIECES = (PHRASE, " ".join(PHRASE.split()[3:9]), WIF)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


def every_stored_text() -> str:
    """Every text column of every table, as one string: no secret may be anywhere in it."""
    dump = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT "{column}"::text FROM "{table}"')  # names from the catalogue
            dump += [row[0] for row in cursor.fetchall() if row[0]]
    return "\n".join(dump)


def assert_kept_nowhere(text: str) -> None:
    for piece in SECRET_PIECES:
        assert piece not in text


async def message_where(socket, test) -> dict:
    """The next message frame that passes `test` (other frames are read past)."""
    while True:
        frame = await socket.recv(timeout=5)
        if frame["type"] == "message" and test(frame):
            return frame


async def accepted_chat(alice, sub: str = "secret-1", locale: str = "en"):
    customer, _ = await widget_socket(sub=sub, locale=locale)
    await customer.send(send_frame("hello, I need help with my wallet"))
    conversation_id = (await customer.expect("ack", skip=("message", "conversation", "waiting")))["conversation"]
    await sync_to_async(services.conversation_accept)(agent=alice, conversation_id=conversation_id)
    await customer.drain()
    return customer, conversation_id


async def test_a_phrase_sent_into_an_open_chat_is_removed_and_the_customer_warned_at_once(alice, caplog):
    caplog.set_level(logging.DEBUG)
    customer, conversation_id = await accepted_chat(alice)
    agent, _ = await agent_socket(alice)
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    await agent.expect("resumed", skip=("queue", "conversation", "offer", "message"))
    await customer.send(send_frame(f"support asked me for this: {PHRASE}", conversation=conversation_id))
    ack = await customer.expect("ack", skip=("message", "conversation", "waiting"))
    mine = await message_where(customer, lambda f: f["seq"] == ack["seq"])
    warning = await message_where(customer, lambda f: True)
    assert mine["body"] == "support asked me for this: [seed phrase removed]"
    assert mine["redacted"] == ["seed_phrase"]
    assert warning["seq"] == ack["seq"] + 1 and warning["payload"]["type"] == "safety.secret_removed"
    assert warning["payload"]["kinds"] == ["seed_phrase"]
    assert "never ask" in json.dumps(warning["payload"])
    live = [await message_where(agent, lambda f: f["customer_seq"] >= ack["seq"]) for _ in range(2)]
    assert live[0]["body"] == mine["body"] and live[0]["redacted"] == ["seed_phrase"]
    assert live[1]["payload"]["type"] == "safety.secret_removed"  # the agent sees that a secret was removed
    await customer.close()
    await agent.close()
    assert_kept_nowhere(await sync_to_async(every_stored_text)())
    assert_kept_nowhere(caplog.text)


async def test_replayed_frames_carry_the_same_redacted_field(alice):
    customer, conversation_id = await accepted_chat(alice, sub="secret-replay")
    await customer.send(send_frame(f"my key {WIF} and my words {PHRASE}", conversation=conversation_id))
    ack = await customer.expect("ack", skip=("message", "conversation", "waiting"))
    live = await message_where(customer, lambda f: f["seq"] == ack["seq"])
    await customer.close()
    again, _ = await widget_socket(sub="secret-replay", locale="en", after_seq=ack["seq"] - 1)
    replayed = await message_where(again, lambda f: f["seq"] == ack["seq"])
    assert replayed == live
    assert replayed["redacted"] == ["seed_phrase", "private_key"]
    assert replayed["body"] == "my key [private key removed] and my words [seed phrase removed]"
    agent, _ = await agent_socket(alice)
    await agent.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    staff = [await message_where(agent, lambda f: True) for _ in range(4)]  # hello, joined, the secret, the card
    # Absent, not empty, when nothing was removed.
    removed = [f.get("redacted", "absent") for f in staff]
    assert removed == ["absent", "absent", ["seed_phrase", "private_key"], "absent"]
    await again.close()
    await agent.close()


async def test_the_first_message_that_opens_a_chat_is_screened_too():
    customer, _ = await widget_socket(sub="secret-first", locale="en")
    await customer.send(send_frame(PHRASE))
    ack = await customer.expect("ack", skip=("message", "conversation", "waiting"))
    frames = [await message_where(customer, lambda f: True) for _ in range(2)]
    assert [f["kind"] for f in frames] == ["text", "card"]
    assert frames[0]["body"] == "[seed phrase removed]" and frames[0]["redacted"] == ["seed_phrase"]
    conversation = await Conversation.objects.select_related("ticket").aget(pk=ack["conversation"])
    assert conversation.preview == "[seed phrase removed]" and conversation.ticket.subject == "[seed phrase removed]"
    await customer.close()
    assert_kept_nowhere(await sync_to_async(every_stored_text)())


async def test_the_fast_path_hands_a_secret_to_the_full_path_and_stores_nothing_itself(customer, alice):
    posted = await sync_to_async(services.customer_message_post)(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hi"
    )
    conversation_id = posted.message.conversation_id
    before = await Message.objects.filter(conversation_id=conversation_id).acount()
    async with broadcast.deferred():
        handed_on = await services.customer_message_store(
            customer=customer, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=PHRASE
        )
        typed = await services.customer_message_store(
            customer=customer,
            conversation_id=conversation_id,
            client_msg_id=uuid.uuid4(),
            body="the bot said [seed phrase removed], what does it mean?",
        )
    assert handed_on is None
    assert await Message.objects.filter(conversation_id=conversation_id).acount() == before + 1
    # A marker the customer typed is disarmed: a stored marker always means the helpdesk removed something.
    assert typed.message.body == "the bot said (seed phrase removed), what does it mean?"
    stored = await Message.objects.aget(pk=typed.message.pk)
    assert stored.body == typed.message.body


def test_the_orm_path_removes_and_warns_in_one_transaction(customer):
    first = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    )
    msg_id = uuid.uuid4()
    posted = services.customer_message_post(
        customer=customer, conversation_id=first.message.conversation_id, client_msg_id=msg_id, body=f"key: {WIF}"
    )
    assert posted.message.body == "key: [private key removed]"
    retried = services.customer_message_post(
        customer=customer, conversation_id=first.message.conversation_id, client_msg_id=msg_id, body=f"key: {WIF}"
    )
    assert not retried.created and retried.message.pk == posted.message.pk
    cards = Message.objects.filter(conversation_id=first.message.conversation_id, kind="card")
    assert [card.payload["kinds"] for card in cards] == [["private_key"]]  # one warning, not one per retry
    assert cards[0].payload["title"] == "We removed your private key from the chat"


def test_a_webhook_and_an_export_never_see_the_secret(customer, sofia, client):
    tickets_services.webhook_endpoint_create(url="https://exchange.example/hooks")
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=f"{PHRASE} is my phrase"
    )
    conversation_id = posted.message.conversation_id
    services.conversation_end(conversation_id=conversation_id, customer=customer)
    services.satisfaction_record(customer=customer, conversation_id=conversation_id, answer="no", comment=WIF)
    from tickets.models import WebhookDelivery

    payloads = json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))
    assert "[seed phrase removed]" in payloads  # ticket.created carries the (redacted) subject
    client.force_login(sofia)
    exported = client.get(f"/history/{conversation_id}/export.json").content.decode()
    exported += client.get(f"/history/{conversation_id}/export.csv").content.decode()
    assert "[seed phrase removed]" in exported and "[private key removed]" in exported
    assert_kept_nowhere(payloads + exported + every_stored_text())
    warnings = Message.objects.filter(conversation_id=conversation_id, payload__type="safety.secret_removed")
    assert warnings.count() == 2  # the message and the survey comment


def test_a_phrase_pasted_as_the_txid_of_the_walkthrough_is_removed(customer):
    from recovery import walkthrough

    started = walkthrough.walkthrough_start(customer=customer)
    found = started
    for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum")):
        found = walkthrough.walkthrough_answer(walkthrough_id=found.pk, step=step, value=value)
    walkthrough.walkthrough_answer(walkthrough_id=found.pk, step="txid", value=PHRASE)
    bodies = list(Message.objects.filter(conversation_id=found.conversation_id).values_list("body", flat=True))
    assert "TXID: [seed phrase removed]" in bodies
    assert Message.objects.filter(conversation_id=found.conversation_id, payload__type="safety.secret_removed").exists()
    assert_kept_nowhere(every_stored_text())


def test_a_ticket_subject_from_the_api_keeps_no_secret(customer):
    ticket = tickets_services.ticket_create(customer=customer, subject=f"restore with {PHRASE}", actor_role="api")
    assert ticket.subject == "restore with [seed phrase removed]"
    tickets_services.ticket_subject_set(ticket=ticket, subject=f"key {WIF}", actor=None, actor_role="api")
    ticket.refresh_from_db()
    assert ticket.subject == "key [private key removed]"
    assert_kept_nowhere(every_stored_text())


WARNING_TITLES = {
    "en": "We removed your recovery phrase from the chat",
    "ru": "Мы удалили вашу фразу восстановления из чата",
    "ar": "حذفنا عبارة الاسترداد الخاصة بك من المحادثة",
    "zh-CN": "我们已从聊天中删除了您的助记词",
    "fil": "Inalis namin ang iyong recovery phrase sa chat",
    "bn": "আমরা চ্যাট থেকে আপনার রিকভারি ফ্রেজ মুছে দিয়েছি",
}


@pytest.mark.parametrize("locale", list(WARNING_TITLES))
async def test_the_customer_reads_the_warning_in_their_language(locale):
    phrase = Mnemonic("russian" if locale == "ru" else "english").to_mnemonic(bytes(range(16, 32)))
    customer, _ = await widget_socket(sub=f"secret-{locale}", locale=locale)
    await customer.send(send_frame(phrase))
    await customer.expect("ack", skip=("message", "conversation", "waiting"))
    card = await message_where(customer, lambda f: f["kind"] == "card")
    assert card["payload"]["title"] == WARNING_TITLES[locale] == card["body"]
    texts = [block["text"] for block in card["payload"]["blocks"]]
    assert len(texts) == 3 and all(texts)
    if locale != "en":  # translated, no English line left in
        english = [block["text"] for block in secret_warning_card(["seed_phrase"], "en")["blocks"]]
        assert set(texts).isdisjoint(english)
    await customer.close()


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        (None, "support never asks for a seed phrase, private key, password or 2FA code, so this message was not sent"),
        ("ru", "поддержка никогда не просит сид-фразу, приватный ключ, пароль или код 2FA"),
    ],
)
async def test_an_agent_asking_for_a_secret_is_refused_in_the_consoles_language(alice, language, detail):
    customer, conversation_id = await accepted_chat(alice, sub=f"asks-{language}")
    header = [(b"accept-language", language.encode())] if language else []
    agent, _ = await agent_socket(alice, extra_headers=header)
    asking = "Please send me your 12 words so I can verify the wallet"
    await agent.send(send_frame(asking, conversation=conversation_id))
    refused = await agent.expect("error", skip=("queue", "conversation", "offer", "message"))
    assert refused["code"] == "asks_for_secret" and refused["detail"].startswith(detail)
    await agent.send(send_frame("Support will never ask for your seed phrase.", conversation=conversation_id))
    assert (await agent.expect("ack", skip=("queue", "conversation", "offer", "message")))["seq"] > 0
    await agent.send(send_frame("Note to self: ask for the 2FA code", conversation=conversation_id, kind="note"))
    await agent.expect("ack", skip=("queue", "conversation", "offer", "message"))  # a note never reaches them
    bodies = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id).values_list("body", flat=True)
    )
    assert not any("12 words" in body for body in bodies)
    await agent.close()
    await customer.close()
