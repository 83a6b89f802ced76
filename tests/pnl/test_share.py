# ruff: noqa: RUF001 (Russian words are meant to be Cyrillic)
"""Sharing a breakdown posts one card into the customer's open chat, in the customer's language."""

import uuid
from decimal import Decimal

import pytest

from chat import services as chat_services
from chat.models import Message
from pnl import services
from pnl.labels import LABELS, labels_for
from pnl.models import Position
from tests.pnl.factories import at
from tests.pnl.test_services import demo_fills
from tickets.models import TimelineEvent

D = Decimal


def seed_position(customer, reported="14") -> Position:
    services.fills_import(customer=customer, fills=demo_fills())
    services.funding_import(
        customer=customer, payments=[{"external_id": "fp1", "time": at(30), "market": "BTCUSDT", "amount": D("-3.5")}]
    )
    services.positions_import(
        customer=customer,
        positions=[
            {
                "external_id": "pos-1",
                "market": "BTCUSDT",
                "opened_at": at(0),
                "closed_at": at(60),
                "reported_pnl": D(reported),
            }
        ],
    )
    return Position.objects.get(external_id="pos-1")


def open_chat(customer, agent=None) -> int:
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Why $14 and not $24?"
    )
    conversation_id = posted.message.conversation_id
    if agent is not None:
        chat_services.conversation_accept(agent=agent, conversation_id=conversation_id)
    return conversation_id


@pytest.mark.django_db
def test_the_card_is_a_small_table_in_english(customer, alice):
    position = seed_position(customer)
    conversation_id = open_chat(customer, alice)
    message = services.breakdown_share(agent=alice, position_id=position.pk)
    assert (message.conversation_id, message.kind) == (conversation_id, Message.Kind.CARD)
    payload = message.payload
    assert payload["type"] == "pnl.breakdown" and payload["lang"] == "en"
    table = payload["blocks"][1]["table"]
    assert table["columns"] == ["Step", "Amount", "Running total"]
    assert table["rows"] == [
        ["Profit or loss from price moves", "+24.00", "24.00"],
        ["Trading fees", "\u22126.50", "17.50"],
        ["Funding paid", "\u22123.50", "14.00"],
        ["Result", "", "14.00 USDT"],
    ]
    assert payload["blocks"][2]["text"] == "This matches the figure in your P&L tab: 14.00 USDT."
    assert "Trading fees: \u22126.50 USDT\nFunding paid: \u22123.50 USDT\nResult: 14.00 USDT" in message.body
    event = TimelineEvent.objects.get(kind="pnl.shared")
    assert (event.conversation_id, event.actor, event.data["status"]) == (conversation_id, alice, "match")


@pytest.mark.django_db
def test_the_card_speaks_russian_to_a_russian_customer_and_admits_a_mismatch(other_customer, alice):
    position = seed_position(other_customer, reported="16")  # other_customer's locale is "ru"
    open_chat(other_customer, alice)
    payload = services.breakdown_share(agent=alice, position_id=position.pk).payload
    assert payload["lang"] == "ru"
    assert payload["blocks"][1]["table"]["columns"] == ["Шаг", "Сумма", "Итого"]
    assert payload["blocks"][1]["table"]["rows"][-1] == ["Результат", "", "14,00 USDT"]
    assert payload["blocks"][2]["text"].startswith("Во вкладке P&L указано 16,00 USDT, а пошаговый расчёт даёт 14,00")
    assert payload["status"] == "mismatch"


@pytest.mark.django_db
def test_only_the_agent_holding_the_chat_shares_into_it(customer, alice, bob):
    position = seed_position(customer)
    with pytest.raises(services.PnlError, match="no open chat"):
        services.breakdown_share(agent=alice, position_id=position.pk)
    open_chat(customer, alice)
    with pytest.raises(services.PnlError, match="accept the customer's chat"):
        services.breakdown_share(agent=bob, position_id=position.pk)
    assert not Message.objects.filter(kind=Message.Kind.CARD).exists()


def test_every_language_has_every_label_and_others_fall_back_to_english():
    assert set(LABELS["ru"]) == set(LABELS["en"])
    assert labels_for("ru-RU")[0] == "ru"
    assert labels_for("ar")[0] == "en"
    assert labels_for(None)[0] == "en"
