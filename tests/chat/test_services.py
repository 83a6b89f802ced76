"""chat.services: the only writer of conversations and messages."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services
from chat.models import Conversation, Message, ReadState, Satisfaction
from chat.services import ChatError
from tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


def _open(customer, body="hello"):
    return services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=body
    ).message.conversation


def _active(customer, agent):
    conversation = _open(customer)
    services.conversation_accept(agent=agent, conversation_id=conversation.pk)
    return Conversation.objects.get(pk=conversation.pk)


def test_first_message_opens_a_conversation_with_a_ticket_and_events(customer):
    conversation = _open(customer, "I sent USDT on BSC")
    assert conversation.status == "waiting"
    assert conversation.ticket.customer == customer
    assert conversation.ticket.subject == "I sent USDT on BSC"
    kinds = list(TimelineEvent.objects.filter(ticket=conversation.ticket).values_list("kind", flat=True))
    assert kinds == ["ticket.created", "chat.started"]
    assert conversation.preview == "I sent USDT on BSC"


def test_a_second_message_joins_the_open_conversation(customer):
    first = _open(customer)
    second = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="again"
    )
    assert second.message.conversation_id == first.pk
    assert second.message.seq == 2


def test_notes_take_a_staff_number_only(customer, alice):
    conversation = _active(customer, alice)  # 1: customer text, 2: "Alice joined" system message
    note = services.agent_message_post(
        agent=alice, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="VIP, be gentle", kind="note"
    ).message
    reply = services.agent_message_post(
        agent=alice, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="Hello!"
    ).message
    assert (note.seq, note.staff_seq) == (None, 3)
    assert (reply.seq, reply.staff_seq) == (3, 4)
    conversation.refresh_from_db()
    assert (conversation.last_seq, conversation.last_staff_seq) == (3, 4)
    assert conversation.first_response_at is not None


def test_a_retry_returns_the_original_even_after_the_chat_ended(customer, alice):
    conversation = _active(customer, alice)
    msg_id = uuid.uuid4()
    first = services.customer_message_post(
        customer=customer, conversation_id=conversation.pk, client_msg_id=msg_id, body="one"
    )
    services.conversation_end(conversation_id=conversation.pk, agent=alice)
    again = services.customer_message_post(
        customer=customer, conversation_id=conversation.pk, client_msg_id=msg_id, body="one"
    )
    assert (again.created, again.message.pk) == (False, first.message.pk)


def test_someone_elses_client_msg_id_is_refused(customer, other_customer):
    msg_id = uuid.uuid4()
    services.customer_message_post(customer=customer, conversation_id=None, client_msg_id=msg_id, body="mine")
    with pytest.raises(ChatError) as exc:
        services.customer_message_post(customer=other_customer, conversation_id=None, client_msg_id=msg_id, body="x")
    assert exc.value.code == "duplicate_id"


def test_only_the_assignee_replies_but_any_staff_may_note(customer, alice, bob, sofia):
    conversation = _active(customer, alice)
    with pytest.raises(ChatError) as exc:
        services.agent_message_post(agent=bob, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="hi")
    assert exc.value.code == "not_assignee"
    note = services.agent_message_post(
        agent=sofia, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="coach: slow down", kind="note"
    )
    assert note.created and note.message.seq is None


def test_customers_cannot_post_into_someone_elses_conversation(customer, other_customer):
    conversation = _open(customer)
    with pytest.raises(ChatError) as exc:
        services.customer_message_post(
            customer=other_customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="hi"
        )
    assert exc.value.code == "not_found"
    assert Message.objects.filter(conversation=conversation).count() == 1


@pytest.mark.parametrize(
    "body,code", [("", "empty_body"), ("   ", "empty_body"), ("x" * 8001, "too_long"), (5, "bad_body")]
)
def test_bad_bodies_are_refused_and_nothing_is_stored(customer, body, code):
    with pytest.raises(ChatError) as exc:
        services.customer_message_post(customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=body)
    assert exc.value.code == code
    assert not Conversation.objects.exists()


def test_accept_is_won_once(customer, alice, bob):
    conversation = _open(customer)
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    with pytest.raises(ChatError) as exc:
        services.conversation_accept(agent=bob, conversation_id=conversation.pk)
    assert exc.value.code == "already_taken"
    # Accepting again is a harmless retry for the winner.
    assert services.conversation_accept(agent=alice, conversation_id=conversation.pk).assignee_id == alice.pk
    conversation.refresh_from_db()
    assert conversation.ticket.assignee_id == alice.pk


def test_transfer_records_who_when_and_the_note(customer, alice, bob):
    conversation = _active(customer, alice)
    services.conversation_transfer(agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note="over to you")
    conversation.refresh_from_db()
    assert conversation.assignee_id == bob.pk
    event = TimelineEvent.objects.get(kind="chat.transferred")
    assert event.actor_id == alice.pk
    assert event.data["note"] == "over to you" and event.data["to_agent_id"] == bob.pk
    note = Message.objects.get(conversation=conversation, kind="note")
    assert "over to you" in note.body and note.seq is None


def test_only_the_holder_may_transfer(customer, alice, bob, sofia):
    conversation = _active(customer, alice)
    with pytest.raises(ChatError) as exc:
        services.conversation_transfer(agent=bob, conversation_id=conversation.pk, to_agent_id=bob.pk, note="mine now")
    assert exc.value.code == "not_assignee"


def test_supervisor_reassign_is_recorded_and_agents_cannot(customer, alice, bob, sofia):
    conversation = _active(customer, alice)
    with pytest.raises(ChatError):
        services.conversation_reassign(supervisor=bob, conversation_id=conversation.pk, to_agent_id=bob.pk)
    services.conversation_reassign(
        supervisor=sofia, conversation_id=conversation.pk, to_agent_id=bob.pk, reason="Alice's shift ended"
    )
    event = TimelineEvent.objects.get(kind="chat.reassigned")
    assert (event.actor_id, event.data["from_agent_id"], event.data["to_agent_id"]) == (sofia.pk, alice.pk, bob.pk)
    assert event.data["note"] == "Alice's shift ended"


def test_end_asks_did_you_feel_heard_and_stores_the_answer(customer, alice):
    conversation = _active(customer, alice)
    services.conversation_end(conversation_id=conversation.pk, agent=alice)
    card = Message.objects.filter(conversation=conversation, kind="card").get()
    assert card.payload["type"] == "survey.heard"
    rating = services.satisfaction_record(
        customer=customer, conversation_id=conversation.pk, answer="yes", comment="they listened"
    )
    assert Satisfaction.objects.get(conversation=conversation) == rating
    assert TimelineEvent.objects.filter(kind="chat.satisfaction", data__answer="yes").exists()


def test_the_survey_speaks_the_customers_language(db):
    from tickets import services as tickets_services

    ivan = tickets_services.customer_upsert(external_id="ivan", name="Иван", locale="ru")
    conversation = _open(ivan)
    services.conversation_end(conversation_id=conversation.pk, customer=ivan)
    card = Message.objects.get(conversation=conversation, kind="card")
    assert card.payload["title"] != "" and card.payload["action"]["audience"] == "customer"


def test_satisfaction_only_after_the_end_and_only_for_the_customer(customer, other_customer, alice):
    conversation = _active(customer, alice)
    with pytest.raises(ChatError) as exc:
        services.satisfaction_record(customer=customer, conversation_id=conversation.pk, answer="yes")
    assert exc.value.code == "still_open"
    services.conversation_end(conversation_id=conversation.pk, customer=customer)
    with pytest.raises(ChatError) as exc:
        services.satisfaction_record(customer=other_customer, conversation_id=conversation.pk, answer="no")
    assert exc.value.code == "not_found"
    with pytest.raises(ChatError) as exc:
        services.satisfaction_record(customer=customer, conversation_id=conversation.pk, answer="maybe")
    assert exc.value.code == "bad_answer"


def test_read_marks_only_move_forward(customer, alice):
    conversation = _active(customer, alice)
    assert services.read_mark(conversation=conversation, seq=2, agent=alice) == 2
    assert services.read_mark(conversation=conversation, seq=1, agent=alice) == 2
    assert services.read_mark(conversation=conversation, seq=10_000, agent=None) == conversation.last_seq
    assert ReadState.objects.count() == 2


def test_an_ended_chat_cannot_be_written_to_and_a_new_send_opens_a_new_one(customer, alice):
    conversation = _active(customer, alice)
    services.conversation_end(conversation_id=conversation.pk, customer=customer)
    with pytest.raises(ChatError) as exc:
        services.customer_message_post(
            customer=customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="hello?"
        )
    assert exc.value.code == "conversation_ended"
    fresh = _open(customer, "new problem")
    assert fresh.pk != conversation.pk and fresh.status == "waiting"


def test_posting_a_message_is_one_statement(customer, alice):
    """The hot path: numbering and insert in one statement (UPDATE … RETURNING feeding the INSERT), no
    read-before-write."""
    conversation = _active(customer, alice)
    with CaptureQueriesContext(connection) as queries:
        posted = services.customer_message_post(
            customer=customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="fast"
        )
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    assert len(sql) == 1
    assert sql[0].startswith("WITH n AS (UPDATE") and "INSERT INTO chat_message" in sql[0]
    stored = Message.objects.get(pk=posted.message.pk)
    assert (stored.seq, stored.staff_seq, stored.body) == (posted.message.seq, posted.message.staff_seq, "fast")
    conversation.refresh_from_db()
    assert (conversation.last_seq, conversation.preview) == (stored.seq, "fast")


@pytest.mark.django_db(transaction=True)
def test_a_refused_insert_in_autocommit_takes_no_number(customer, alice):
    """Outside any transaction (as the sockets call it) the numbering and the insert stand or fall together:
    a retried client_msg_id leaves no gap in either numbering, and the next message takes the next number."""
    conversation = _active(customer, alice)
    assert not connection.in_atomic_block
    first_id = uuid.uuid4()
    first = services.customer_message_post(
        customer=customer, conversation_id=conversation.pk, client_msg_id=first_id, body="one"
    )
    again = services.customer_message_post(
        customer=customer, conversation_id=conversation.pk, client_msg_id=first_id, body="one"
    )
    assert (again.created, again.message.pk) == (False, first.message.pk)
    second = services.customer_message_post(
        customer=customer, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="two"
    )
    assert second.message.seq == first.message.seq + 1
    assert second.message.staff_seq == first.message.staff_seq + 1
    conversation.refresh_from_db()
    assert (conversation.last_seq, conversation.last_staff_seq) == (second.message.seq, second.message.staff_seq)
