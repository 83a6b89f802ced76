"""The waiting queue: its order, its counts, a customer's place in line, and the paged queue frame (docs/protocol.md)
that stays small however many wait."""

import json
import uuid

import pytest
from django.utils import timezone

from chat import selectors, services
from chat.models import Conversation
from tests.chat.helpers import agent_socket
from tests.chat.helpers import waiting_conversations as waiting
from tests.conftest import require
from tickets.models import Customer

pytestmark = pytest.mark.django_db


def frame_bytes(frame: dict) -> int:
    return len(json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode())


def test_a_vip_chat_opened_through_the_service_goes_first(customer):
    gold = Customer.objects.create(external_id="gold-1", name="Goldie", vip="gold")
    waiting(100)  # an older queue, longer than any page
    plain = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="me too"
    )
    vip = services.customer_message_post(customer=gold, conversation_id=None, client_msg_id=uuid.uuid4(), body="urgent")
    first = selectors.queue(limit=2)
    assert [c.pk for c in first] == [vip.message.conversation_id, first[1].pk]
    assert first[1].customer.external_id == "q-0", "then the longest waiting"
    assert selectors.queue_position(plain.message.conversation_id) == 102
    assert selectors.queue_counts() == {"total": 102, "vip": 1}


def test_positions_agree_with_the_pages_and_skip_what_is_not_waiting():
    late_vip = waiting(2, prefix="v", vip="gold", start=timezone.now())
    plain = waiting(90)
    Conversation.objects.filter(pk=plain[5].pk).update(status=Conversation.Status.ACTIVE)
    places = selectors.waiting_positions()
    paged = [c.pk for offset in (0, 40, 80) for c in selectors.queue(limit=40, offset=offset)]
    assert sorted(places, key=places.get) == paged
    assert paged[:2] == [late_vip[0].pk, late_vip[1].pk]
    assert plain[5].pk not in places and selectors.queue_position(plain[5].pk) is None
    for pk, position in places.items():
        assert selectors.queue_position(pk) == position
    assert sorted(places.values()) == list(range(1, 92))


def test_the_frame_carries_the_first_page_and_the_counts(django_assert_num_queries):
    waiting(3, prefix="v", vip="gold")
    waiting(120)
    before = timezone.now()
    with django_assert_num_queries(2):  # the counts and the page, whatever the length
        frame = selectors.queue_frame()
    assert (frame["type"], frame["total"], frame["vip"], frame["offset"]) == ("queue", 123, 3, 0)
    assert frame["limit"] == selectors.QUEUE_PAGE == len(frame["conversations"])
    assert [e["customer"]["vip"] for e in frame["conversations"][:4]] == ["gold", "gold", "gold", None]
    assert before.isoformat() <= frame["as_of"] <= timezone.now().isoformat()
    page_three = selectors.queue_frame(offset=80)
    assert page_three["offset"] == 80 and len(page_three["conversations"]) == 40
    places = selectors.waiting_positions()
    assert selectors.queue_frame(offset=120)["conversations"][-1]["id"] == max(places, key=places.get)


@pytest.mark.parametrize("char", ["😱", "\x01", '"'])
def test_a_page_of_the_heaviest_text_stays_under_64_kb(char):
    """Names and previews at their longest, in the characters that weigh most on the wire (4-byte UTF-8, a control
    character escaped as \\u0001, a quote escaped): the frame never passes 64 KB, and the page still shows some."""
    conversations = waiting(60, name=char * 200, preview=char * 140)
    Customer.objects.filter(pk__in=[c.customer_id for c in conversations]).update(vip=char * 32, locale="zh-hans")
    frame = selectors.queue_frame()
    assert frame_bytes(frame) <= 64 * 1024
    assert len(frame["conversations"]) >= 20
    assert frame["total"] == 60


@pytest.mark.django_db(transaction=True)
async def test_an_agent_asks_for_another_page(alice):
    require("redis", "postgres")
    from channels.db import database_sync_to_async

    await database_sync_to_async(waiting)(95)
    agent, _ = await agent_socket(alice)
    await agent.send({"type": "queue_page", "offset": 80})
    page = await agent.expect("queue", skip=())
    assert (page["offset"], page["total"], len(page["conversations"])) == (80, 95, 15)
    expected = await database_sync_to_async(selectors.queue)(limit=40, offset=80)
    assert [e["id"] for e in page["conversations"]] == [c.pk for c in expected]
    await agent.send({"type": "queue_page", "offset": "last"})
    error = await agent.expect("error")
    assert (error["code"], error["detail"]) == ("bad_frame", '"offset" must be an integer')
    await agent.close()


def first_message(customer) -> Conversation:
    posted = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="the withdrawals are halted"
    )
    return Conversation.objects.get(pk=posted.message.conversation_id)


@pytest.mark.django_db(transaction=True)  # offers are made once the chat is committed
def test_offers_spread_over_the_agents_and_stop_at_their_capacity(settings, alice, bob):
    """A surge must not pile every new chat onto one agent's offers: an offer counts as load until it is settled."""
    from accounts.models import User

    require("redis", "postgres")
    settings.CHAT_AUTO_OFFER = True
    User.objects.filter(pk__in=[alice.pk, bob.pk]).update(presence="online", capacity=2)
    offered = [
        first_message(Customer.objects.create(external_id=f"surge-{n}", name=f"Surge {n}")).offered_to_id
        for n in range(5)
    ]
    assert offered == [alice.pk, bob.pk, alice.pk, bob.pk, None]
    services.conversation_accept(agent=bob, conversation_id=Conversation.objects.filter(offered_to=alice).first().pk)
    # Alice's offer was taken by Bob: Alice has room for one more; Bob holds one chat and one offer.
    assert first_message(Customer.objects.create(external_id="surge-5", name="Surge 5")).offered_to_id == alice.pk
    assert first_message(Customer.objects.create(external_id="surge-6", name="Surge 6")).offered_to_id is None
