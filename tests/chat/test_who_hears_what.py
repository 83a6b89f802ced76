"""Who hears what (Zulip's capture_send_event_calls): every nudge an action broadcasts after its commit, and exactly
which sockets receive which frame — the customer, the assignee, another agent, a supervisor watching the chat, and
the waiting board (which re-tells waiting customers their place). Groups resolve to sockets as the consumers join
them (tests/chat/broadcasts.py); the last test checks that resolution against real sockets."""

import uuid

import pytest

from chat import broadcast, services, waiting
from chat.models import Conversation
from tests.chat.broadcasts import agent_socket, captured, customer_socket

pytestmark = pytest.mark.django_db


def _open(customer) -> Conversation:
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my USDT?"
    )
    return posted.message.conversation


@pytest.fixture
def chat(customer, alice) -> Conversation:
    """A chat Alice holds."""
    conversation = _open(customer)
    services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def act(monkeypatch, django_capture_on_commit_callbacks):
    """Run an action, its after-commit callbacks included, and return what it broadcast."""

    def run(action, *args, **kwargs):
        with captured(monkeypatch) as heard, django_capture_on_commit_callbacks(execute=True):
            action(*args, **kwargs)
        return heard

    return run


def sockets(conversation, alice, bob, sofia, *, alice_holds: bool) -> dict[str, set[str]]:
    holding = (conversation,) if alice_holds else ()
    return {
        "customer": customer_socket(conversation),
        "alice": agent_socket(alice, *holding),
        "bob": agent_socket(bob),  # another agent, not in this chat
        "sofia": agent_socket(sofia, conversation),  # a supervisor watching it from the monitor
        "waiting board": {waiting.GROUP},
    }


def test_accept(act, customer, alice, bob, sofia):
    conversation = _open(customer)
    heard = act(services.conversation_accept, agent=alice, conversation_id=conversation.pk)
    # Alice joins the chat's group when her socket's accept returns (AgentConsumer.on_accept): after these sends.
    assert heard.by(sockets(conversation, alice, bob, sofia, alice_holds=False)) == {
        "customer": ["message:system", "conversation"],
        "alice": ["conversation", "queue"],
        "bob": ["conversation", "queue"],
        "sofia": ["message:system", "conversation", "conversation", "queue"],
        "waiting board": ["waiting.changed"],
    }
    customer_frames = [e["frame"] for g, e in heard.sends if g == broadcast.customer_group(customer.pk)]
    assert customer_frames[-1]["assignee"] == {"id": alice.pk, "name": "Alice"}
    assert all("ticket" not in frame and "customer" not in frame for frame in customer_frames if "status" in frame)


def test_transfer(act, chat, alice, bob, sofia):
    heard = act(services.conversation_transfer, agent=alice, conversation_id=chat.pk, to_agent_id=bob.pk, note="KYC ok")
    assert heard.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": ["message:system", "conversation"],  # "Bob joined", the new assignee; never the hand-off note
        "alice": ["message:note", "message:system", "conversation", "conversation", "queue"],
        # Bob follows the chat once his socket hears it is his (chat.consumers.AgentConsumer.chat_conversation);
        # the note and the history reach him when his console opens it.
        "bob": ["conversation", "queue"],
        "sofia": ["message:note", "message:system", "conversation", "conversation", "queue"],
        "waiting board": ["waiting.changed"],
    }
    (agents_frame,) = [e["frame"] for g, e in heard.sends if g == broadcast.AGENTS and e["type"] == "chat.conversation"]
    assert agents_frame["assignee"]["id"] == bob.pk


def test_end_by_the_agent(act, chat, alice, bob, sofia):
    heard = act(services.conversation_end, conversation_id=chat.pk, agent=alice)
    assert heard.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": ["message:system", "message:card", "conversation"],  # "ended", the survey, the status
        "alice": ["message:system", "message:card", "conversation", "conversation"],
        "bob": ["conversation"],
        "sofia": ["message:system", "message:card", "conversation", "conversation"],
        "waiting board": [],  # it was not waiting: no place in line moved
    }


def test_end_of_a_waiting_chat_by_its_customer(act, customer, alice, bob, sofia):
    conversation = _open(customer)
    heard = act(services.conversation_end, conversation_id=conversation.pk, customer=customer)
    assert heard.by(sockets(conversation, alice, bob, sofia, alice_holds=False)) == {
        "customer": ["message:system", "message:card", "conversation"],
        "alice": ["conversation", "queue"],
        "bob": ["conversation", "queue"],
        "sofia": ["message:system", "message:card", "conversation", "conversation", "queue"],
        "waiting board": ["waiting.changed"],  # the customers behind it move up
    }


def test_a_note_reaches_staff_only(act, chat, alice, bob, sofia):
    heard = act(
        services.agent_message_post,
        agent=alice,
        conversation_id=chat.pk,
        client_msg_id=uuid.uuid4(),
        body="Internal: check KYC",
        kind="note",
    )
    assert heard.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": [],
        "alice": ["message:note"],
        "bob": [],
        "sofia": ["message:note"],
        "waiting board": [],
    }
    assert broadcast.customer_group(chat.customer_id) not in heard.groups()


def test_a_reply_reaches_the_customer_in_the_customers_numbering(act, chat, alice, bob, sofia):
    heard = act(
        services.agent_message_post, agent=alice, conversation_id=chat.pk, client_msg_id=uuid.uuid4(), body="Hello"
    )
    assert heard.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": ["message:text"],
        "alice": ["message:text"],
        "bob": [],
        "sofia": ["message:text"],
        "waiting board": [],
    }
    (staff,) = [e["frame"] for g, e in heard.sends if g == broadcast.conversation_group(chat.pk)]
    (mine,) = [e["frame"] for g, e in heard.sends if g == broadcast.customer_group(chat.customer_id)]
    assert mine["seq"] == staff["customer_seq"] and "customer_seq" not in mine


def test_read_receipts(act, chat, alice, bob, sofia):
    services.agent_message_post(agent=alice, conversation_id=chat.pk, client_msg_id=uuid.uuid4(), body="Hi")
    chat.refresh_from_db()
    by_customer = act(services.read_mark, conversation=chat, seq=chat.last_seq)
    assert by_customer.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": [],
        "alice": ["read:customer"],
        "bob": [],
        "sofia": ["read:customer"],
        "waiting board": [],
    }
    by_agent = act(services.read_mark, conversation=chat, seq=chat.last_staff_seq, agent=alice)
    assert by_agent.by(sockets(chat, alice, bob, sofia, alice_holds=True)) == {
        "customer": ["read:agent"],  # in the customer's numbering: how far staff read of what the customer sees
        "alice": ["read:agent"],
        "bob": [],
        "sofia": ["read:agent"],
        "waiting board": [],
    }
    (to_customer,) = [e for g, e in by_agent.sends if g == broadcast.customer_group(chat.customer_id)]
    assert to_customer["seq"] == chat.last_seq


def _messages(frames: list[dict]) -> list[str]:
    """The message frames heard (the queue and conversation frames of the accept may still be arriving)."""
    return [f"message:{frame['kind']}" for frame in frames if frame["type"] == "message"]


@pytest.mark.django_db(transaction=True)
async def test_the_sockets_hear_what_the_groups_say(alice, bob, sofia):
    """The resolution above, checked on real sockets (the ASGI router, the Redis channel layer): a reply and a note
    in a chat Alice holds, with the customer, Alice, Bob and Sofia (watching) connected."""
    from tests.chat.helpers import agent_socket as open_agent
    from tests.chat.helpers import send_frame, widget_socket
    from tests.conftest import require

    require("redis", "postgres")
    customer, _ = await widget_socket()
    await customer.send(send_frame("Where is my USDT?"))
    conversation_id = (await customer.expect("ack"))["conversation"]
    holder, _ = await open_agent(alice)
    await holder.send({"type": "accept", "conversation": conversation_id})
    await customer.expect("message")  # "Alice joined": the accept has been heard
    other, _ = await open_agent(bob)
    watcher, _ = await open_agent(sofia)
    await watcher.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    await watcher.expect("resumed", skip=("queue", "conversation", "message", "typing", "read", "offer"))
    everyone = {"customer": customer, "alice": holder, "bob": other, "sofia": watcher}
    for socket in everyone.values():
        await socket.drain()

    heard = {}
    for kind in ("text", "note"):
        await holder.send(send_frame(f"a {kind}", conversation=conversation_id, kind=kind))
        first = await watcher.expect("message")  # sent; the others have had as long
        heard[kind] = {name: _messages(await socket.drain(timeout=1)) for name, socket in everyone.items()}
        heard[kind]["sofia"].insert(0, f"message:{first['kind']}")
    for socket in everyone.values():
        await socket.close()
    assert heard["text"] == {
        "customer": ["message:text"],
        "alice": ["message:text"],
        "bob": [],
        "sofia": ["message:text"],
    }
    assert heard["note"] == {"customer": [], "alice": ["message:note"], "bob": [], "sofia": ["message:note"]}
