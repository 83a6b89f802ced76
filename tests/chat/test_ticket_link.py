"""A chat moved to another ticket of its customer: chat's write (chat.services.conversation_ticket_move), both
tickets' timelines, the staff told; and the ticket page's "Chats" section and the API's ticket, which chat adds to
tickets through tickets.extensions."""

import uuid

import pytest
from django.urls import reverse

from chat import services as chat_services
from tests.chat.broadcasts import agent_socket, captured, customer_socket
from tickets import extensions
from tickets import services as tickets_services
from tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(customer):
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my USDT?"
    )
    return posted.message.conversation


def events(ticket, kind):
    return list(TimelineEvent.objects.filter(ticket=ticket, kind=kind))


def test_a_chat_moves_to_another_ticket_of_the_same_customer(
    conversation, customer, alice, monkeypatch, django_capture_on_commit_callbacks
):
    first = conversation.ticket
    earlier = tickets_services.ticket_create(customer=customer, subject="Earlier problem")
    with captured(monkeypatch) as heard, django_capture_on_commit_callbacks(execute=True):
        chat_services.conversation_ticket_move(conversation_id=conversation.pk, ticket=earlier, actor=alice)
    conversation.refresh_from_db()
    assert conversation.ticket_id == earlier.pk
    (unlinked,) = events(first, "chat.unlinked")
    (linked,) = events(earlier, "chat.linked")
    assert unlinked.data == {"to_ticket": earlier.pk} and linked.data == {"from_ticket": first.pk}
    assert linked.conversation_id == conversation.pk and linked.actor == alice
    # The consoles hear the chat's new ticket (their sidebar follows it); the customer's frame names no ticket.
    staff_frames = [event["frame"] for group, event in heard.sends if group == "chat.agents"]
    assert [(f["type"], f["ticket"]) for f in staff_frames] == [("conversation", earlier.pk)]
    heard_by = heard.by({"customer": customer_socket(conversation), "agent": agent_socket(alice)})
    assert heard_by == {"customer": ["conversation"], "agent": ["conversation"]}


def test_moving_refuses_a_chat_of_another_customer(conversation, other_customer, alice):
    foreign = tickets_services.ticket_create(customer=other_customer, subject="Not theirs")
    with pytest.raises(chat_services.ChatError, match="same customer"):
        chat_services.conversation_ticket_move(conversation_id=conversation.pk, ticket=foreign, actor=alice)
    assert not TimelineEvent.objects.filter(ticket=foreign).exclude(kind="ticket.created").exists()


def test_the_ticket_page_shows_the_chats_and_links_to_their_transcript(client, alice, conversation):
    client.force_login(alice)
    page = client.get(reverse("ticket_detail", args=[conversation.ticket_id])).content.decode()
    assert f'href="{reverse("transcript", args=[conversation.pk])}"' in page  # registered by supervisor


def test_chat_adds_its_part_to_tickets_at_start_up(conversation):
    (part,) = [part for part in extensions.ticket_parts() if part.name == "chat"]
    assert part.template == "chat/_ticket_chats.html" and set(part.actions) == {"link"}
    assert extensions.ticket_api_context(conversation.ticket) == {"conversation_ids": [conversation.pk]}
    assert extensions.customer_chats_table() == type(conversation)._meta.db_table  # the access log's SQL reads it
