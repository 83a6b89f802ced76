"""Imports are idempotent, refuse changed numbers, and a breakdown read from the database is the hand-worked one."""

from decimal import Decimal

import pytest

from pnl import selectors, services
from pnl.explainer import Method
from pnl.models import Fill, FundingPayment, Position, Rebate
from tests.pnl.factories import at

D = Decimal


def demo_fills():
    # Buy 2 @ 100 (fee 1.50 USDT) then sell 2 @ 112 (fee 0.01 BNB at 500 = 5.00): 24 - 6.50 - 3.50 funding = 14
    return [
        {
            "external_id": "t1",
            "time": at(0),
            "market": "BTCUSDT",
            "side": "buy",
            "price": D(100),
            "quantity": D(2),
            "fee": D("1.50"),
            "order_id": "o1",
        },
        {
            "external_id": "t2",
            "time": at(60),
            "market": "BTCUSDT",
            "side": "sell",
            "price": D(112),
            "quantity": D(2),
            "fee": D("0.01"),
            "fee_asset": "BNB",
            "fee_rate": D(500),
            "order_id": "o2",
        },
    ]


@pytest.mark.django_db
def test_fills_sent_twice_are_stored_once(customer):
    first = services.fills_import(customer=customer, fills=demo_fills())
    again = services.fills_import(customer=customer, fills=demo_fills())
    assert (first.created, first.unchanged) == (2, 0)
    assert (again.created, again.unchanged, again.conflicts) == (0, 2, [])
    assert Fill.objects.filter(customer=customer).count() == 2


@pytest.mark.django_db
def test_a_fill_sent_again_with_other_numbers_is_refused_not_overwritten(customer):
    services.fills_import(customer=customer, fills=demo_fills())
    changed = demo_fills()
    changed[1]["price"] = D(120)
    report = services.fills_import(customer=customer, fills=changed)
    assert report.conflicts == [{"id": "t2", "detail": "already imported with different price; not changed"}]
    assert Fill.objects.get(external_id="t2").price == D(112)


@pytest.mark.django_db
def test_an_id_of_another_customer_is_a_conflict(customer, other_customer):
    services.fills_import(customer=customer, fills=demo_fills())
    report = services.fills_import(customer=other_customer, fills=demo_fills()[:1])
    assert report.conflicts == [{"id": "t1", "detail": "this id belongs to another customer"}]
    assert not Fill.objects.filter(customer=other_customer).exists()


@pytest.mark.django_db
def test_one_bad_row_stores_nothing_and_says_which(customer):
    rows = demo_fills()
    rows[1]["quantity"] = D(0)
    with pytest.raises(services.PnlError, match="t2: price and quantity must be positive"):
        services.fills_import(customer=customer, fills=rows)
    assert not Fill.objects.exists()


@pytest.mark.django_db
def test_positions_are_updated_as_they_close(customer):
    row = {"external_id": "pos-1", "market": "BTCUSDT", "opened_at": at(0), "closed_at": None, "reported_pnl": None}
    assert services.positions_import(customer=customer, positions=[row]).created == 1
    closed = {**row, "closed_at": at(60), "reported_pnl": D(14)}
    assert services.positions_import(customer=customer, positions=[closed]).updated == 1
    assert services.positions_import(customer=customer, positions=[closed]).unchanged == 1
    position = Position.objects.get(external_id="pos-1")
    assert (position.closed_at, position.reported_pnl) == (at(60), D(14))
    backwards = {**row, "external_id": "pos-2", "opened_at": at(60), "closed_at": at(0)}
    with pytest.raises(services.PnlError, match="pos-2: closed_at is before opened_at"):
        services.positions_import(customer=customer, positions=[backwards])


@pytest.mark.django_db
def test_funding_and_rebates_import_idempotently(customer):
    pay = [{"external_id": "fp1", "time": at(30), "market": "BTCUSDT", "amount": D("-3.50")}]
    reb = [{"external_id": "rb1", "time": at(40), "kind": "rebate", "market": "BTCUSDT", "amount": D("0.5")}]
    for _ in range(2):
        services.funding_import(customer=customer, payments=pay)
        services.rebates_import(customer=customer, rebates=reb)
    assert FundingPayment.objects.count() == Rebate.objects.count() == 1


@pytest.mark.django_db
def test_the_breakdown_read_from_the_database_is_the_worked_example(customer):
    services.fills_import(customer=customer, fills=demo_fills())
    services.funding_import(
        customer=customer, payments=[{"external_id": "fp1", "time": at(30), "market": "BTCUSDT", "amount": D("-3.5")}]
    )
    services.positions_import(
        customer=customer,
        positions=[
            {"external_id": "p", "market": "BTCUSDT", "opened_at": at(0), "closed_at": at(60), "reported_pnl": D(14)}
        ],
    )
    b = selectors.position_breakdown(Position.objects.get(external_id="p"))
    assert (b.gross, b.fees, b.funding_paid, b.final, b.status) == (D(24), D("6.5"), D("3.5"), D("14.00"), "match")


@pytest.mark.django_db
def test_market_settings_decide_method_and_rounding():
    # Unknown market: quote guessed from the symbol, FIFO, 2 places for a dollar-like quote, 8 otherwise.
    rules, method = selectors.market_rules("ETHBTC")
    assert (rules.quote_asset, rules.precision, method) == ("BTC", 8, Method.FIFO)
    services.market_setting_upsert(symbol="*", quote_asset="", precision=4, cost_basis="average")
    rules, method = selectors.market_rules("SOLUSDT")
    assert (rules.quote_asset, rules.precision, method) == ("USDT", 4, Method.AVERAGE)
    services.market_setting_upsert(symbol="solusdt", quote_asset="usdt", precision=2, rounding="ROUND_DOWN")
    rules, method = selectors.market_rules("SOLUSDT")
    assert (rules.precision, rules.rounding, method) == (2, "ROUND_DOWN", Method.FIFO)
    with pytest.raises(services.PnlError):
        services.market_setting_upsert(symbol="X", quote_asset="USDT", rounding="ROUND_SIDEWAYS")


@pytest.mark.django_db
def test_several_positions_read_their_market_once_and_equal_one_by_one(customer, django_assert_max_num_queries):
    # Two positions in one market: long 2 @ 100 -> 112 (24), then short 1 @ 120 -> 110 (10).
    services.fills_import(customer=customer, fills=demo_fills())
    more = [
        {"external_id": "t3", "time": at(120), "market": "BTCUSDT", "side": "sell", "price": D(120), "quantity": D(1)},
        {"external_id": "t4", "time": at(180), "market": "BTCUSDT", "side": "buy", "price": D(110), "quantity": D(1)},
    ]
    services.fills_import(customer=customer, fills=more)
    services.positions_import(
        customer=customer,
        positions=[
            {"external_id": "p1", "market": "BTCUSDT", "opened_at": at(0), "closed_at": at(60)},
            {"external_id": "p2", "market": "BTCUSDT", "opened_at": at(120), "closed_at": at(180)},
        ],
    )
    positions = selectors.recent_positions(customer)
    with django_assert_max_num_queries(4):  # fills, funding, rebates, market settings: once for both
        together = selectors.position_breakdowns(positions)
    for position in positions:
        alone = selectors.position_breakdown(position)
        assert (together[position.pk].total, together[position.pk].steps) == (alone.total, alone.steps)
    assert [together[p.pk].gross for p in positions] == [D(10), D(24)]  # newest first
