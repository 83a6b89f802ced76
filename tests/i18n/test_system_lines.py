"""Lines the helpdesk itself writes into a chat ("Alice joined the chat.") are in the customer's language."""

import uuid

import pytest
from django.utils import translation

from chat import services
from chat.models import Message
from supervisor.timeline import transcript_entries
from tickets import services as tickets_services

JOINED = {"en": "Alice joined the chat.", "ar": "في المحادثة الآن: Alice", "ru": "Alice теперь в чате."}
ENDED = {"en": "Alice ended the chat.", "ar": "انتهت المحادثة بطلب من Alice.", "ru": "Alice завершает чат."}


def _conversation(lang: str):
    customer = tickets_services.customer_upsert(external_id=f"lines-{lang}", name="Noor", locale=lang)
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello", locale=lang
    )
    return posted.message.conversation


@pytest.mark.django_db
@pytest.mark.parametrize("lang", list(JOINED))
def test_joined_and_ended_lines_speak_the_customers_language(alice, lang):
    conversation = _conversation(lang)
    with translation.override("en"):  # the agent's own language does not leak into the customer's chat
        services.conversation_accept(agent=alice, conversation_id=conversation.pk)
        services.conversation_end(conversation_id=conversation.pk, agent=alice)
    lines = list(conversation.messages.filter(kind=Message.Kind.SYSTEM).values_list("body", flat=True))
    assert JOINED[lang] in lines
    assert ENDED[lang] in lines


@pytest.mark.django_db
def test_a_handed_on_chat_announces_the_new_agent_in_the_customers_language(alice, bob):
    conversation = _conversation("ru")
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    services.conversation_transfer(agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note="TXID ok")
    assert conversation.messages.filter(kind=Message.Kind.SYSTEM, body="Bob теперь в чате.").exists()


HANDED = {
    "en": "Hand-off note for Bob: TXID checked, waiting on the exchange",
    "ru": "Заметка при передаче для Bob: TXID checked, waiting on the exchange",
    "ar": "ملاحظة التسليم إلى Bob: TXID checked, waiting on the exchange",
    "zh-hans": "交接给 Bob 的备注：TXID checked, waiting on the exchange",  # noqa: RUF001 - Chinese punctuation
}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", list(HANDED))
def test_the_words_around_a_hand_off_note_are_in_each_staff_readers_language(alice, bob, reader):
    """Staff only read a note: the helpdesk's words around it follow the reader (the note itself stays as typed),
    and a note has no "as the customer sees it" view."""
    from chat.frames import Audience, message_frame

    conversation = _conversation("ar")  # the customer's language plays no part in a note
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    note = "TXID checked, waiting on the exchange"
    services.conversation_transfer(agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note=note)
    stored = conversation.messages.get(kind=Message.Kind.NOTE)
    assert stored.body == HANDED["en"]  # stored in the site's language: history search finds it as staff wrote it
    frame = message_frame(stored, Audience.STAFF, reader)
    assert frame["body"] == HANDED[reader]
    assert "customer_view" not in frame


@pytest.mark.django_db
def test_a_supervisors_reason_reads_in_russian_for_a_russian_reader(alice, bob, sofia):
    from chat.frames import Audience, message_frame

    conversation = _conversation("en")
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    services.conversation_reassign(supervisor=sofia, conversation_id=conversation.pk, to_agent_id=bob.pk, reason="VIP")
    stored = conversation.messages.get(kind=Message.Kind.NOTE)
    assert stored.body == "Reassigned to Bob by a supervisor: VIP"
    assert message_frame(stored, Audience.STAFF, "ru")["body"] == "Супервайзер передал чат агенту Bob: VIP"
    with translation.override("ru"):  # the transcript, read in Russian
        entry = next(e for e in transcript_entries(conversation) if e.kind == Message.Kind.NOTE)
    assert (entry.text, entry.customer_text) == ("Супервайзер передал чат агенту Bob: VIP", "")
