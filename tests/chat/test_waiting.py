"""The `waiting` frame (docs/protocol.md): a waiting customer hears their place in line and how many agents are
online, when either changes, at most once a second, and no more once an agent has accepted. Over the real ASGI
router, PostgreSQL and the Redis channel layer."""

import asyncio
import datetime as dt
import itertools
import time
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.utils import timezone

from accounts.models import Presence, User
from chat import selectors, services, waiting
from chat.models import Conversation
from tests.chat.helpers import agent_socket, send_frame, widget_socket
from tests.conftest import require
from tickets.models import Customer, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_layer():
    require("redis", "postgres")


async def _first_message(sub: str, words: str = "is anyone there?", **claims):
    """A customer's socket after its first message: (socket, conversation id)."""
    socket, _ = await widget_socket(sub=sub, **claims)
    await socket.send(send_frame(words))
    ack = await socket.expect("ack", skip=("message", "conversation"))
    return socket, ack["conversation"]


async def _waiting_frame(socket, timeout: float = 2.5) -> dict:
    return await socket.expect(
        "waiting", timeout=timeout, skip=("message", "conversation", "typing", "read", "resumed")
    )


async def test_the_first_message_is_answered_with_the_place_in_line(alice):
    """Sent as soon as the first message is stored: the board's first refresh waits for no timer."""
    agent, _ = await agent_socket(alice)  # opening the console makes alice online
    customer, conversation_id = await _first_message("wait-1")
    frame = await _waiting_frame(customer)
    assert frame == {"type": "waiting", "conversation": conversation_id, "position": 1, "agents_online": 1}
    await customer.close()
    await agent.close()


async def test_places_move_up_and_an_accepted_chat_hears_no_more(alice):
    agent, _ = await agent_socket(alice)
    first, first_id = await _first_message("wait-a")
    assert (await _waiting_frame(first))["position"] == 1
    second, second_id = await _first_message("wait-b")
    assert (await _waiting_frame(second))["position"] == 2

    await agent.send({"type": "accept", "conversation": first_id})
    moved = await _waiting_frame(second)
    assert moved == {"type": "waiting", "conversation": second_id, "position": 1, "agents_online": 1}
    frames = await first.drain(timeout=1.5)
    assert [f["type"] for f in frames if f["type"] == "waiting"] == []
    assert any(f["type"] == "conversation" and f["status"] == "active" for f in frames)
    for socket in (first, second, agent):
        await socket.close()


async def test_agents_coming_and_going_are_counted(alice, bob):
    agent, _ = await agent_socket(alice)
    customer, _ = await _first_message("wait-count")
    assert (await _waiting_frame(customer))["agents_online"] == 1
    await asyncio.sleep(1.1)  # the previous frame's second is over
    second_agent, _ = await agent_socket(bob)
    assert (await _waiting_frame(customer))["agents_online"] == 2
    await second_agent.send({"type": "presence", "status": "away"})
    assert (await _waiting_frame(customer))["agents_online"] == 1
    await agent.send({"type": "presence", "status": "away"})
    assert (await _waiting_frame(customer))["agents_online"] == 0
    for socket in (customer, agent, second_agent):
        await socket.close()


async def test_a_vip_goes_ahead_and_the_others_are_told(alice):
    agent, _ = await agent_socket(alice)
    regular, _ = await _first_message("wait-regular")
    assert (await _waiting_frame(regular))["position"] == 1
    vip, _ = await _first_message("wait-vip", vip="gold")
    assert (await _waiting_frame(vip))["position"] == 1
    assert (await _waiting_frame(regular))["position"] == 2
    for socket in (regular, vip, agent):
        await socket.close()


async def test_a_returning_customer_is_told_again_on_hello_and_on_resume():
    first, conversation_id = await _first_message("wait-return")
    assert (await _waiting_frame(first))["position"] == 1
    await first.close()  # they left the page; the chat waits for them

    back, welcome = await widget_socket(sub="wait-return")
    assert welcome["conversation"] == conversation_id
    frame = await _waiting_frame(back)
    assert frame == {"type": "waiting", "conversation": conversation_id, "position": 1, "agents_online": 0}
    await back.send({"type": "resume", "conversation": conversation_id, "after_seq": 0})
    assert (await _waiting_frame(back))["position"] == 1  # the same numbers, said again: the client asked
    await back.close()


async def test_a_chat_opened_over_http_is_told_too(customer):
    """The wrong-network chip opens the chat over HTTP, not with a `send` on the socket: the socket still learns."""
    socket, welcome = await widget_socket(sub=customer.external_id)
    assert welcome["conversation"] is None
    posted = await sync_to_async(services.customer_message_post)(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="I sent funds on the wrong network."
    )
    frame = await _waiting_frame(socket)
    assert frame["conversation"] == posted.message.conversation_id and frame["position"] == 1
    await socket.close()


async def test_an_active_chat_never_hears_waiting(alice):
    agent, _ = await agent_socket(alice)
    customer, conversation_id = await _first_message("wait-active")
    await _waiting_frame(customer)
    await agent.send({"type": "accept", "conversation": conversation_id})
    await customer.drain(timeout=1.2)
    back, _ = await widget_socket(sub="wait-active")
    await back.send(send_frame("thanks", conversation=conversation_id))
    frames = await back.drain(timeout=1.5)
    assert "waiting" not in [f["type"] for f in frames]
    for socket in (customer, back, agent):
        await socket.close()


async def test_changes_are_coalesced_to_one_frame_a_second_per_socket(alice, bob):
    agent, _ = await agent_socket(alice)
    customer, _ = await _first_message("wait-burst")
    await _waiting_frame(customer)
    flapping, _ = await agent_socket(bob)
    for status in ("away", "online") * 5:  # ten changes in a moment, after bob's arrival
        await flapping.send({"type": "presence", "status": status})
    frames, stamps = [], []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if await customer.nothing(timeout=0.2):
            continue
        frame = await customer.recv()
        if frame["type"] == "waiting":
            frames.append(frame)
            stamps.append(time.monotonic())
    assert 1 <= len(frames) <= 3
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(stamps))
    assert frames[-1]["agents_online"] == 2  # the last frame tells the last state (bob online)
    for socket in (customer, agent, flapping):
        await socket.close()


# --- the board: one read per refresh, whatever the number of waiting chats and sockets ---------------------------


def _waiting_crowd(count: int) -> list[int]:
    """`count` chats waiting, oldest first, written in bulk (the services' broadcasts are not under test here)."""
    customers = Customer.objects.bulk_create(
        Customer(external_id=f"crowd-{n}", name=f"Crowd {n}", locale="en") for n in range(count)
    )
    tickets = Ticket.objects.bulk_create(Ticket(customer=c, subject="hello?") for c in customers)
    start = timezone.now() - dt.timedelta(hours=1)
    conversations = Conversation.objects.bulk_create(
        Conversation(ticket=t, customer=t.customer, created_at=start + dt.timedelta(seconds=n))
        for n, t in enumerate(tickets)
    )
    return [c.pk for c in conversations]


async def test_a_surge_costs_one_read_per_refresh_not_one_per_customer(monkeypatch, alice):
    """300 waiting chats, a socket each on this process, 50 changes at once: one or two refreshes, each one read of
    the positions of every waiting chat and one count, and each socket sent only its own numbers, once."""
    ids = await sync_to_async(_waiting_crowd)(300)
    await sync_to_async(User.objects.filter(pk=alice.pk).update)(presence=Presence.ONLINE)
    reads = []
    original = waiting._numbers

    def counted():
        reads.append(time.monotonic())
        return original()

    monkeypatch.setattr(waiting, "_numbers", counted)
    board = waiting.board()
    sent: dict[str, list[dict]] = {}

    class Layer:  # this process's sockets, as the board reaches them (a channel name each)
        async def send(self, channel, event):
            sent.setdefault(channel, []).append(event["frame"])

        async def new_channel(self, prefix):
            return f"{prefix}test"

        async def group_add(self, group, channel):
            pass

        async def receive(self, channel):
            await asyncio.Event().wait()  # no change comes from elsewhere in this test

    monkeypatch.setattr(waiting, "get_channel_layer", lambda: Layer())
    board.refresh.last_run = time.monotonic()  # a refresh just ran: the next one waits its second
    for conversation_id in ids:
        board.watch(f"socket-{conversation_id}", conversation_id)
    for _ in range(50):
        board.request()
    await asyncio.sleep(2.5)
    assert len(reads) == 1
    assert len(sent) == 300 and all(len(frames) == 1 for frames in sent.values())
    positions = {frames[0]["conversation"]: frames[0]["position"] for frames in sent.values()}
    assert sorted(positions.values()) == list(range(1, 301))
    assert positions[ids[0]] == 1 and positions[ids[-1]] == 300
    assert {frames[0]["agents_online"] for frames in sent.values()} == {1}

    board.request()  # nothing moved: a read, and not one frame
    await asyncio.sleep(1.5)
    assert len(reads) == 2 and all(len(frames) == 1 for frames in sent.values())
    for conversation_id in ids:
        board.forget(f"socket-{conversation_id}")
    assert board.sockets == {} and board.watching == {} and board.sent == {}
    board.listener.cancel()


def test_positions_of_every_waiting_chat_are_one_query(django_assert_num_queries, customer, other_customer):
    ids = _waiting_crowd(20)
    with django_assert_num_queries(1):
        positions = selectors.waiting_positions()
    assert [positions[i] for i in ids] == list(range(1, 21))
    Conversation.objects.filter(pk=ids[0]).update(status=Conversation.Status.ACTIVE)
    assert selectors.waiting_positions()[ids[1]] == 1 and ids[0] not in selectors.waiting_positions()
