import pytest
from django.urls import reverse
from django.utils import translation

from chat.models import Conversation, Satisfaction
from tests.conftest import require
from tests.supervisor.factories import chat, person
from tickets.models import Tag

pytestmark = pytest.mark.django_db


def listed(response) -> list[int]:
    return [c.pk for c in response.context["page"].object_list]


def test_it_requires_login(client):
    response = client.get(reverse("history"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("words", "query"),
    [
        (["Мой кошелёк не получил перевод"], "кошелёк"),
        (["لم تصل الأموال إلى محفظتي"], "محفظتي"),
        (["我的钱包没有收到USDT"], "钱包"),
        (["আমার টাকা আসেনি"], "টাকা"),
        (["Hindi pa dumarating ang pera ko"], "pera"),
    ],
)
def test_search_finds_words_in_every_script(client_as, sofia, customer, other_customer, words, query):
    require("postgres")
    wanted = chat(customer, words)
    chat(other_customer, ["Something else entirely, about fees"])
    response = client_as(sofia).get(reverse("history"), {"q": query})
    assert response.status_code == 200
    assert listed(response) == [wanted.pk]
    assert query in response.content.decode()  # the matching words are shown beside the row


def test_chinese_search_is_a_phrase_not_loose_characters(client_as, sofia, customer, other_customer):
    require("postgres")
    wanted = chat(customer, ["我的钱包没有收到"])
    chat(other_customer, ["包裹和钱都到了"])  # the same two characters, apart and reversed
    response = client_as(sofia).get(reverse("history"), {"q": "钱包"})
    assert listed(response) == [wanted.pk]


def test_search_is_case_insensitive_in_cyrillic(client_as, sofia, customer):
    require("postgres")
    wanted = chat(customer, ["КОШЕЛЁК пустой"])
    assert listed(client_as(sofia).get(reverse("history"), {"q": "кошелёк"})) == [wanted.pk]


def test_search_uses_the_stored_indexed_vector(db):
    require("postgres")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'chat_message' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS",)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'chat_message_search_gin'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


def test_filters_combine(client_as, sofia, alice, bob):
    ivan = person("h-ivan", name="Иван", locale="ru", vip="gold")
    olga = person("h-olga", name="Ольга", locale="ru")
    wei = person("h-wei", name="Wei", locale="zh-hans", vip="gold")
    target = chat(ivan, ["перевод потерялся"], agent=alice, end=True, answer="yes")
    chat(olga, ["перевод потерялся"], agent=alice, end=True, answer="yes")  # not VIP
    chat(wei, ["transfer lost"], agent=alice, end=True, answer="yes")  # another language
    tag = Tag.objects.create(name="wrong-chain")
    target.ticket.tags.add(tag)
    client = client_as(sofia)
    combined = {"agent": alice.pk, "vip": "yes", "language": "ru", "satisfaction": "yes", "status": "ended"}
    assert listed(client.get(reverse("history"), combined)) == [target.pk]
    assert listed(client.get(reverse("history"), {**combined, "tags": "wrong-chain"})) == [target.pk]
    assert listed(client.get(reverse("history"), {**combined, "satisfaction": "no"})) == []
    assert listed(client.get(reverse("history"), {**combined, "agent": bob.pk})) == []
    assert listed(client.get(reverse("history"), {"customer": "Ольга"})) != [target.pk]


def test_date_range_and_bad_dates(client_as, sofia, customer):
    from datetime import timedelta

    from django.utils import timezone

    from chat.models import Conversation

    old = chat(customer, ["an old question"], end=True)
    Conversation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client = client_as(sofia)
    today = timezone.localdate()
    recent = client.get(reverse("history"), {"date_from": str(today - timedelta(days=7))})
    assert old.pk not in listed(recent)
    window = {"date_from": str(today - timedelta(days=41)), "date_to": str(today - timedelta(days=39))}
    assert listed(client.get(reverse("history"), window)) == [old.pk]
    reversed_range = client.get(reverse("history"), {"date_from": str(today), "date_to": str(today - timedelta(1))})
    assert "The end date is before the start date." in reversed_range.content.decode()
    garbage = client.get(reverse("history"), {"date_from": "not-a-date"})
    assert garbage.status_code == 200
    assert "Enter a valid date." in garbage.content.decode()


def test_satisfaction_not_answered_filter(client_as, sofia, customer, other_customer):
    answered = chat(customer, ["hello"], end=True, answer="partly")
    silent = chat(other_customer, ["hello"], end=True)
    client = client_as(sofia)
    assert listed(client.get(reverse("history"), {"satisfaction": "none"})) == [silent.pk]
    assert listed(client.get(reverse("history"), {"satisfaction": "partly"})) == [answered.pk]


def test_agent_sees_only_their_own_history(client_as, alice, bob, customer, other_customer):
    mine = chat(customer, ["help me"], agent=alice, end=True)
    theirs = chat(other_customer, ["help me too"], agent=bob, end=True)
    response = client_as(alice).get(reverse("history"))
    assert listed(response) == [mine.pk]
    assert theirs.pk not in listed(response)
    assert "agent" not in response.context["form"].fields  # agents do not filter by colleague


def test_an_agent_who_handed_off_still_sees_the_chat(client_as, alice, bob, customer):
    from chat import services as chat_services

    conversation = chat(customer, ["help me"], agent=alice)
    chat_services.conversation_transfer(agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note="VIP")
    assert listed(client_as(alice).get(reverse("history"))) == [conversation.pk]


def test_query_count_does_not_grow_with_the_page(client_as, sofia, django_assert_max_num_queries):
    for n in range(30):
        customer = person(f"page-{n}", name=f"Customer {n}", vip="gold" if n % 2 else "")
        conversation = chat(customer, [f"question number {n}"], end=True, answer="yes")
        conversation.ticket.tags.add(Tag.objects.get_or_create(name=f"t{n % 3}")[0])
    client = client_as(sofia)
    with django_assert_max_num_queries(10):  # session, user, staff session, 2nd-factor device, count, page, tags...
        response = client.get(reverse("history"), {"q": "question"})
    assert len(listed(response)) == 25
    assert response.context["page"].paginator.count == 30


def test_customer_role_without_staff_rights_is_refused(client_as, db):
    from accounts.models import User

    inactive = User.objects.create_user("gone@test.example", "pw-gone-123", is_active=False)
    client = client_as(inactive)
    assert client.get(reverse("history")).status_code in (302, 404)


@pytest.mark.parametrize("language", ["ru", "ar", "zh-hans", "bn", "fil"])
def test_the_history_filters_and_statuses_speak_the_supervisors_language(client, sofia, alice, language):
    """The filters' labels and choices, a chat's status and its "felt heard?" answer were English on every page."""
    chat(person(f"lang-{language}", name="Noor"), ["help"], agent=alice, end=True, answer="partly")
    client.force_login(sofia)
    page = client.get(reverse("history"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    english = ("Words in the chat", "Any agent", "Tags (comma-separated)", "Not answered", ">Ended<", ">Partly<")
    assert [word for word in english if word in page] == []
    with translation.override(language):
        assert str(Conversation.Status.ENDED.label) in page and str(Satisfaction.Answer.PARTLY.label) in page
