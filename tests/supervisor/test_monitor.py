import pytest
from django.urls import reverse

from chat.models import Conversation, Message
from tests.supervisor.factories import chat
from tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [("monitor", [], "get"), ("monitor_rows", [], "get"), ("monitor_reassign", [1], "post")],
)
def test_agents_are_refused(client, alice, name, args, method):
    client.force_login(alice)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize(("name", "args"), [("monitor", []), ("monitor_rows", []), ("monitor_reassign", [1])])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_monitor_lists_ongoing_chats_only(client, sofia, alice, customer, other_customer):
    active = chat(customer, ["please help"], agent=alice)
    ended = chat(other_customer, ["old one"], agent=alice, end=True)
    waiting = chat(other_customer, ["another question"])
    client.force_login(sofia)
    response = client.get(reverse("monitor"))
    assert response.status_code == 200
    listed = [c.pk for c in response.context["conversations"]]
    assert sorted(listed) == sorted([active.pk, waiting.pk])
    assert ended.pk not in listed
    page = response.content.decode()
    assert 'data-socket="/ws/agent/"' in page
    assert "deadline" in page  # the page says, in words, that clocks are not deadlines
    rows = client.get(reverse("monitor_rows")).content.decode()
    assert f'data-watch="{active.pk}"' in rows and f'data-watch="{waiting.pk}"' in rows


def test_reassign_by_hand_is_recorded_with_its_reason(client, sofia, alice, bob, customer):
    conversation = chat(customer, ["please help"], agent=alice)
    client.force_login(sofia)
    response = client.post(
        reverse("monitor_reassign", args=[conversation.pk]), {"to_agent": bob.pk, "reason": "Alice is overloaded"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('monitor')}?watch={conversation.pk}"
    conversation.refresh_from_db()
    assert conversation.assignee_id == bob.pk
    event = TimelineEvent.objects.get(conversation_id=conversation.pk, kind="chat.reassigned")
    assert event.actor_id == sofia.pk
    assert event.data["note"] == "Alice is overloaded"
    assert (event.data["from_agent_id"], event.data["to_agent_id"]) == (alice.pk, bob.pk)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"reason": "busy"}, "Choose the agent"),
        ({"to_agent": "x", "reason": "busy"}, "Choose the agent"),
        ({"to_agent": "BOB", "reason": ""}, "why the chat is moving"),
        ({"to_agent": 999999, "reason": "busy"}, "no such agent"),
    ],
)
def test_bad_reassign_input_is_explained_and_changes_nothing(client, sofia, alice, bob, customer, form, error):
    conversation = chat(customer, ["please help"], agent=alice)
    if form.get("to_agent") == "BOB":
        form = {**form, "to_agent": bob.pk}
    client.force_login(sofia)
    response = client.post(reverse("monitor_reassign", args=[conversation.pk]), form, follow=True)
    assert error in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).assignee_id == alice.pk
    assert not TimelineEvent.objects.filter(conversation_id=conversation.pk, kind="chat.reassigned").exists()


def test_an_ended_chat_cannot_be_reassigned(client, sofia, alice, bob, customer):
    conversation = chat(customer, ["please help"], agent=alice, end=True)
    client.force_login(sofia)
    response = client.post(
        reverse("monitor_reassign", args=[conversation.pk]), {"to_agent": bob.pk, "reason": "x"}, follow=True
    )
    assert "this conversation has ended" in response.content.decode()
    assert not Message.objects.filter(conversation=conversation, body__contains="Reassigned").exists()
