"""False positives matter as much as catches: nothing in the demo (messages both ways, ticket notes, canned
replies) is redacted as a secret, refused as asking for one, or flagged as a look-alike link."""

import io

import pytest
from django.core.management import call_command

from chat import demo as chat_demo
from chat.models import Message
from common.safety.asks import asks_for_secret
from common.safety.lookalikes import find_lookalikes
from common.safety.secrets import redact
from tickets.models import CannedReply, TimelineEvent

pytestmark = pytest.mark.django_db


def test_the_demo_trips_no_detector():
    call_command("seed_demo", stdout=io.StringIO())
    ordinary = Message.objects.exclude(conversation__customer__external_id=chat_demo.CUSTOMER)  # planted: below
    customers = list(ordinary.filter(author_role="customer").values_list("body", flat=True))
    support = list(ordinary.exclude(author_role="customer").values_list("body", flat=True))
    support += [event.data["body"] for event in TimelineEvent.objects.filter(kind="ticket.note")]
    support += list(CannedReply.objects.values_list("body", flat=True))
    assert len(customers) > 100 and len(support) > 100
    assert [text for text in customers + support if redact(text).kinds] == []
    assert [text for text in support if asks_for_secret(text)] == []
    assert [text for text in customers + support if find_lookalikes(text, ["binance.com", "demo-exchange.test"])] == []


def test_the_demo_shows_a_removed_recovery_phrase_and_a_look_alike_link():
    """Sam Okafor's chat, held by Mei: the phrase he pasted was never stored, he read the warning, and the impostor's
    link is what HELPDESK_OFFICIAL_DOMAINS (as make run sets it) flags."""
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing added twice
    planted = Message.objects.filter(conversation__customer__external_id=chat_demo.CUSTOMER).order_by("staff_seq")
    bodies = [message.body for message in planted]
    assert not any(chat_demo.PHRASE in body or "foam wheat poem" in body for body in bodies)
    assert any(body.endswith("so here they are: [seed phrase removed]") for body in bodies)
    assert [m.payload["type"] for m in planted if m.kind == "card"] == ["safety.secret_removed"]
    assert planted[0].conversation.assignee.email == "mei@demo.test" and planted[0].conversation.status == "active"
    found = find_lookalikes(bodies[0], ["demo-exchange.test", "binance.com"])
    assert [(f.host, f.imitates) for f in found] == [("demo-exchange-support.test", "demo-exchange.test")]
    assert not [text for text in bodies if asks_for_secret(text)]
