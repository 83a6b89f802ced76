import pytest

from chat.models import Message
from supervisor import search
from tests.supervisor.factories import chat


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("钱包", '"钱 包"'),
        ("我的钱包 usdt", '"我 的 钱 包" usdt'),
        ('"钱包', '"钱 包"'),
        ("кошелёк -комиссия", "кошелёк -комиссия"),
        ('"wrong network" or bsc', '"wrong network" or bsc'),
        ("ウォレット", '"ウ ォ レ ッ ト"'),
    ],
)
def test_cjk_runs_become_phrases_and_the_rest_passes_through(typed, sent):
    assert search.websearch_text(typed) == sent


def test_very_long_queries_are_cut():
    assert len(search.websearch_text("a" * 5000)) == search.MAX_QUERY


@pytest.mark.django_db
def test_the_sqlite_fallback_matches_a_substring(monkeypatch, customer):
    conversation = chat(customer, ["Мой кошелёк пуст"])
    monkeypatch.setattr(search, "is_postgres", lambda: False)
    found = search.matching_messages(Message.objects.all(), "кошелёк")
    assert [m.conversation_id for m in found] == [conversation.pk]
    assert search.matching_messages(Message.objects.all(), "  ").count() == Message.objects.count()
