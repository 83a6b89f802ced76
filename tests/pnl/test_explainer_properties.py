"""Properties that must hold for any sequence of fills, found by hypothesis."""

from dataclasses import replace
from decimal import Decimal, localcontext

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pnl.explainer import WORKING, Method, Side, explain
from tests.pnl.factories import USDT, at, fill, funding, reward

prices = st.decimals(min_value="0.01", max_value="5000", places=2)
quantities = st.decimals(min_value="0.001", max_value="10", places=3)
fees = st.decimals(min_value="0", max_value="5", places=4)
sides = st.sampled_from(["buy", "sell"])
fee_assets = st.sampled_from(["", "BNB"])


@st.composite
def fill_lists(draw, min_size=1, max_size=25):
    rows = draw(st.lists(st.tuples(sides, prices, quantities, fees, fee_assets), min_size=min_size, max_size=max_size))
    # Distinct times (a minute apart) so the order is the one drawn. BNB fees convert at 612.5 USDT.
    return [
        fill(f"f{i:03}", i, side, price, qty, fee=fee, fee_asset=asset, fee_rate="612.5" if asset else None)
        for i, (side, price, qty, fee, asset) in enumerate(rows)
    ]


reward_lists = st.lists(
    st.tuples(st.decimals(min_value="0", max_value="3", places=4), st.sampled_from(["", "BNB"])), max_size=4
).map(lambda rows: [reward(f"r{i}", i + 0.7, a, asset=asset, rate="612.5") for i, (a, asset) in enumerate(rows)])

funding_lists = st.lists(st.decimals(min_value="-20", max_value="20", places=4), max_size=5).map(
    lambda amounts: [funding(f"p{i}", i + 0.5, a) for i, a in enumerate(amounts)]
)


@settings(max_examples=200, deadline=None)
@given(fills=fill_lists(), payments=funding_lists, rewards=reward_lists, method=st.sampled_from(Method))
def test_the_steps_add_up_to_the_total(fills, payments, rewards, method):
    b = explain(rules=USDT, method=method, fills=fills, funding=payments, rewards=rewards)
    with localcontext(WORKING):  # average-cost amounts carry 50 digits; add them at the same precision
        assert sum((s.amount for s in b.steps), Decimal(0)) == b.total
        by_kind = b.gross - b.fees - b.funding_paid + b.funding_received + b.rebates
        if method == Method.FIFO:  # no division anywhere: exact to the last digit
            assert b.total == by_kind
        else:  # a repeating average entry is carried at 50 digits; adding in another order may move the last one
            assert abs(b.total - by_kind) < Decimal("1e-40")
        running = Decimal(0)
        for step in b.steps:
            running += step.amount
            assert step.running_total == running
    assert b.steps[-1].running_total == b.total
    assert b.final == USDT.round(b.total)


@settings(max_examples=200, deadline=None)
@given(fills=fill_lists(), data=st.data(), method=st.sampled_from(Method))
def test_splitting_a_fill_in_two_changes_nothing(fills, data, method):
    index = data.draw(st.integers(0, len(fills) - 1))
    whole = fills[index]
    assume(whole.quantity > Decimal("0.001"))  # a part must be left for each half
    part = data.draw(st.decimals(min_value="0.001", max_value=whole.quantity - Decimal("0.001"), places=3))
    fee_part = data.draw(st.decimals(min_value="0", max_value=whole.fee, places=4))
    first = replace(whole, ref=whole.ref + "a", quantity=part, fee=fee_part)
    second = replace(whole, ref=whole.ref + "b", quantity=whole.quantity - part, fee=whole.fee - fee_part)
    split = [*fills[:index], first, second, *fills[index + 1 :]]
    before = explain(rules=USDT, method=method, fills=fills)
    after = explain(rules=USDT, method=method, fills=split)
    assert after.final == before.final
    assert after.open_quantity == before.open_quantity
    if method == Method.FIFO:  # no division at all: equal to the last digit
        assert (after.total, after.gross, after.fees) == (before.total, before.gross, before.fees)


@settings(max_examples=200, deadline=None)
@given(
    opening_side=sides,
    price=prices,
    lot=quantities,
    closes=st.lists(st.tuples(prices, st.integers(1, 100)), max_size=8),
)
def test_for_a_single_lot_fifo_and_average_cost_agree(opening_side, price, lot, closes):
    # One opening fill, then fills that only reduce it (each takes a share of what is left, never more).
    closing_side = Side.SELL if opening_side == "buy" else Side.BUY
    fills, left = [fill("open", 0, opening_side, price, lot)], lot
    for i, (close_price, percent) in enumerate(closes, start=1):
        quantity = (left * percent / 100).quantize(Decimal("0.001"))
        if quantity == 0:
            break
        fills.append(fill(f"c{i}", i, closing_side, close_price, quantity))
        left -= quantity
    fifo = explain(rules=USDT, method=Method.FIFO, fills=fills)
    average = explain(rules=USDT, method=Method.AVERAGE, fills=fills)
    assert [s.amount for s in fifo.steps] == [s.amount for s in average.steps]
    assert fifo.total == average.total
    assert not any(c.key == "method" for c in fifo.causes)


def test_the_hand_checked_property_helpers_build_what_they_say():
    # Guard against a vacuous property: the generated fills really are in time order with the drawn sides.
    built = [fill("a", 0, "buy", "1", "1"), fill("b", 1, "sell", "2", "1")]
    assert [f.time for f in built] == [at(0), at(1)]
    assert explain(rules=USDT, method=Method.FIFO, fills=built).final == Decimal("1.00")


@settings(max_examples=150, deadline=None)
@given(fills=fill_lists(), payments=funding_lists, method=st.sampled_from(Method))
def test_the_cost_basis_comparison_equals_a_full_recomputation(fills, payments, method):
    # The comparison books only the trades again; it must agree with explaining everything with the other method.
    other = Method.AVERAGE if method == Method.FIFO else Method.FIFO
    this = explain(rules=USDT, method=method, fills=fills, funding=payments)
    full = explain(rules=USDT, method=other, fills=fills, funding=payments)
    shown = next((c.amount for c in this.causes if c.key == "method"), Decimal(0))
    assert shown == full.final - this.final
