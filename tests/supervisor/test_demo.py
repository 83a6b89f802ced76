import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, STAFF
from accounts.services import staff_upsert
from chat.models import Conversation, Message, Satisfaction
from helpdesk import demo_stories
from supervisor import demo
from tests.conftest import require
from tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    for email, role, name in STAFF:
        staff_upsert(email=email, password=DEMO_PASSWORD, role=role, name=name)
    out = io.StringIO()
    demo.seed(stdout=out, stories=demo_stories.seed)  # as seed_demo hands them over
    return out.getvalue()


def test_demo_history_spans_sixty_days_in_six_languages(seeded):
    # 84 everyday chats, and the wrong-network story (the P&L story needs pnl.demo's positions, seeded before)
    assert "85 past conversations" in seeded
    past = Conversation.objects.filter(customer__external_id__startswith=demo.PREFIX, status="ended")
    assert past.count() == 85
    assert set(past.values_list("locale", flat=True)) == {"ru", "ar", "zh-hans", "fil", "bn", "en"}
    now = timezone.now()
    oldest = past.order_by("created_at").first().created_at
    assert now - oldest > timedelta(days=45)
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not TimelineEvent.objects.filter(created_at__gt=now).exists()
    for conversation in past[:20]:
        assert conversation.created_at <= conversation.accepted_at <= conversation.first_response_at
        assert conversation.first_response_at <= conversation.ended_at
    assert Message.objects.filter(kind="note", conversation__in=past).exists()
    assert TimelineEvent.objects.filter(kind="chat.transferred").exists()
    assert TimelineEvent.objects.filter(kind="chat.reassigned").exists()
    assert set(Satisfaction.objects.values_list("answer", flat=True)) == {"yes", "partly", "no"}
    live = Conversation.objects.filter(customer__external_id__startswith=demo.PREFIX).exclude(status="ended")
    assert sorted(live.values_list("status", flat=True)) == ["active", "waiting"]


def test_seeding_twice_adds_nothing(seeded):
    before = Conversation.objects.count()
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "already there" in out.getvalue()
    assert Conversation.objects.count() == before


def test_a_supervisor_finds_last_months_russian_chat_by_a_word(client, seeded):
    """The issue's "done when", on the demo data: find, read, export, see the answer."""
    require("postgres")
    from accounts.models import User

    client.force_login(User.objects.get(email="supervisor@demo.test"))
    month_ago = timezone.localdate() - timedelta(days=45)
    response = client.get(
        reverse("history"), {"q": "кошелёк", "date_from": str(month_ago), "date_to": str(timezone.localdate())}
    )
    found = list(response.context["page"].object_list)
    assert found and all(c.locale == "ru" for c in found)
    transcript = client.get(reverse("transcript", args=[found[0].pk]))
    assert "кошелёк" in transcript.content.decode()
    assert client.get(reverse("transcript_json", args=[found[0].pk])).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200
