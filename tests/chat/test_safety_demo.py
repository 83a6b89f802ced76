"""False positives matter as much as catches: nothing in the demo (messages both ways, ticket notes, canned
replies) is redacted as a secret, refused as asking for one, or flagged as a look-alike link."""

import io

import pytest
from django.core.management import call_command

from chat.models import Message
from chat.safety.asks import asks_for_secret
from chat.safety.lookalikes import find_lookalikes
from chat.safety.secrets import redact
from tickets.models import CannedReply, TimelineEvent

pytestmark = pytest.mark.django_db


def test_the_demo_trips_no_detector():
    call_command("seed_demo", stdout=io.StringIO())
    customers = list(Message.objects.filter(author_role="customer").values_list("body", flat=True))
    support = list(Message.objects.exclude(author_role="customer").values_list("body", flat=True))
    support += [event.data["body"] for event in TimelineEvent.objects.filter(kind="ticket.note")]
    support += list(CannedReply.objects.values_list("body", flat=True))
    assert len(customers) > 100 and len(support) > 100
    assert [text for text in customers + support if redact(text).kinds] == []
    assert [text for text in support if asks_for_secret(text)] == []
    assert [text for text in customers + support if find_lookalikes(text, ["binance.com", "demo-exchange.test"])] == []
