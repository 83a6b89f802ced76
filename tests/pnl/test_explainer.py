"""Worked examples, each computed by hand in the comments, checked to the cent."""

from decimal import ROUND_DOWN, Decimal

from pnl.explainer import MarketRules, Method, explain
from tests.pnl.factories import USDT, at, fill, funding, reward

D = Decimal


def amounts(breakdown):
    return [(s.kind, s.amount, s.running_total) for s in breakdown.steps]


def test_the_demo_case_long_with_a_bnb_fee_and_funding_paid():
    # Buy 2 @ 100 (fee 1.50 USDT), funding paid 3.50, sell 2 @ 112 (fee 0.01 BNB at 500 USDT/BNB = 5.00 USDT).
    # gross = 2 * (112 - 100) = 24.00; fees = 1.50 + 5.00 = 6.50; 24.00 - 6.50 - 3.50 = 14.00
    b = explain(
        rules=USDT,
        method=Method.FIFO,
        fills=[
            fill("f1", 0, "buy", "100", "2", fee="1.50"),
            fill("f2", 60, "sell", "112", "2", fee="0.01", fee_asset="BNB", fee_rate="500"),
        ],
        funding=[funding("p1", 30, "-3.50")],
        reported=D("14"),
    )
    assert amounts(b) == [
        ("trade", D(0), D(0)),
        ("fee", D("-1.50"), D("-1.50")),
        ("funding", D("-3.50"), D("-5.00")),
        ("trade", D(24), D("19.00")),
        ("fee", D("-5.00"), D("14.00")),
    ]
    assert (b.gross, b.fees, b.funding_paid, b.final) == (D(24), D("6.50"), D("3.50"), D("14.00"))
    assert b.status == "match"
    assert b.findings[0].startswith("Matches the exchange's figure exactly: 14.00 USDT")
    assert "0.01 BNB at 500 USDT each = 5 USDT" in b.steps[4].text
    assert [c.key for c in b.causes] == ["gross", "fees", "funding_paid"]


def test_a_short_with_funding_received_and_the_markets_rounding():
    # Sell 3 @ 50 (fee 0.15), funding received 0.60, buy 3 @ 45 (fee 0.135).
    # gross = 3 * (50 - 45) = 15; 15 - 0.15 - 0.135 + 0.60 = 15.315
    # half-even: 15.31|5 → the kept digit 1 is odd → 15.32; toward zero → 15.31
    fills = [fill("s1", 0, "sell", "50", "3", fee="0.15"), fill("b1", 90, "buy", "45", "3", fee="0.135")]
    paid = [funding("p1", 45, "0.60")]
    b = explain(rules=USDT, method=Method.FIFO, fills=fills, funding=paid)
    assert b.total == D("15.315")
    assert b.final == D("15.32")
    assert b.funding_received == D("0.60")
    assert [s.position_after for s in b.steps if s.kind == "trade"] == [D(-3), D(0)]
    truncating = MarketRules(symbol="X", quote_asset="USDT", precision=2, rounding=ROUND_DOWN)
    assert explain(rules=truncating, method=Method.FIFO, fills=fills, funding=paid).final == D("15.31")
    assert b.status == "no_report"


def test_partial_fills_count_each_part_at_its_own_price():
    # Order o1 buys 1 in two parts: 0.4 @ 100 and 0.6 @ 101. Order o2 sells 1 in two parts: 0.5 @ 105, 0.5 @ 104.
    # FIFO: first sale takes 0.4 @ 100 → 0.4 * 5 = 2.0, and 0.1 @ 101 → 0.1 * 4 = 0.4: 2.4
    #       second sale takes 0.5 @ 101 → 0.5 * 3 = 1.5; total 3.9
    # Average: entry (40 + 60.6) / 1 = 100.6; 0.5 * 4.4 = 2.2 and 0.5 * 3.4 = 1.7; total 3.9 (flat: same total)
    fills = [
        fill("a", 0, "buy", "100", "0.4", order="o1"),
        fill("b", 1, "buy", "101", "0.6", order="o1"),
        fill("c", 10, "sell", "105", "0.5", order="o2"),
        fill("d", 11, "sell", "104", "0.5", order="o2"),
    ]
    fifo = explain(rules=USDT, method=Method.FIFO, fills=fills)
    average = explain(rules=USDT, method=Method.AVERAGE, fills=fills)
    assert [s.amount for s in fifo.steps] == [0, 0, D("2.4"), D("1.5")]
    assert [s.amount for s in average.steps] == [0, 0, D("2.2"), D("1.7")]
    assert fifo.final == average.final == D("3.90")
    assert "2 order(s) filled in several parts" in " ".join(c.text for c in fifo.causes)


def test_fifo_and_average_cost_differ_while_part_is_still_open():
    # Buy 1 @ 100, buy 1 @ 120, sell 1 @ 130.
    # FIFO closes the 100 lot: 130 - 100 = 30. Average: entry 110 → 130 - 110 = 20. 1 is still open either way.
    fills = [fill("a", 0, "buy", "100", "1"), fill("b", 5, "buy", "120", "1"), fill("c", 9, "sell", "130", "1")]
    fifo = explain(rules=USDT, method=Method.FIFO, fills=fills, reported=D("30"))
    average = explain(rules=USDT, method=Method.AVERAGE, fills=fills, reported=D("30"))
    assert (fifo.final, average.final) == (D("30.00"), D("20.00"))
    assert fifo.status == "match"
    assert fifo.open_quantity == D(1)
    assert any(c.key == "still_open" for c in fifo.causes)
    method_cause = next(c for c in fifo.causes if c.key == "method")
    assert method_cause.amount == D(-10)
    # The setting says average cost but the exchange's 30 is the FIFO figure: we say so, plainly.
    assert average.status == "mismatch"
    assert average.findings[0].startswith("DOES NOT MATCH: the exchange shows 30.00 USDT")
    assert any("with FIFO cost basis" in f for f in average.findings)


def test_a_position_that_flips_through_zero():
    # Buy 1 @ 100; sell 3 @ 110 closes the long (+10) and opens 2 short @ 110; buy 2 @ 105 closes it: 2 * 5 = 10.
    # gross = 10 + 10 = 20
    fills = [fill("a", 0, "buy", "100", "1"), fill("b", 1, "sell", "110", "3"), fill("c", 2, "buy", "105", "2")]
    for method in Method:
        b = explain(rules=USDT, method=method, fills=fills)
        assert [(s.amount, s.position_after) for s in b.steps] == [(0, 1), (10, -2), (10, 0)]
        assert b.final == D("20.00")
        assert "flipped to 2 short" in b.steps[1].text


def test_funding_both_ways_and_rebates_in_another_asset():
    # Long 1: buy @ 200, sell @ 200 (no price move). Funding +1.25 received, -0.75 paid.
    # A reward of 0.004 BNB at 600 USDT/BNB = 2.40 USDT. Total = 0 + 1.25 - 0.75 + 2.40 = 2.90
    b = explain(
        rules=USDT,
        method=Method.FIFO,
        fills=[fill("a", 0, "buy", "200", "1"), fill("b", 100, "sell", "200", "1")],
        funding=[funding("p1", 10, "1.25"), funding("p2", 20, "-0.75")],
        rewards=[reward("r1", 30, "0.004", kind="reward", asset="BNB", rate="600")],
    )
    assert (b.funding_received, b.funding_paid, b.rebates) == (D("1.25"), D("0.75"), D("2.400"))
    assert b.final == D("2.90")
    assert [s.kind for s in b.steps] == ["trade", "funding", "funding", "rebate", "trade"]


def test_a_negative_maker_fee_is_money_back():
    # Buy 1 @ 100 with maker fee -0.02 (a rebate), sell 1 @ 101 with fee 0.05: 1 + 0.02 - 0.05 = 0.97
    fills = [fill("a", 0, "buy", "100", "1", fee="-0.02"), fill("b", 1, "sell", "101", "1", fee="0.05")]
    assert explain(rules=USDT, method=Method.FIFO, fills=fills).final == D("0.97")


def test_a_fee_with_no_conversion_rate_is_shown_never_guessed():
    # The BNB fee cannot be converted: the step says so, counts 0, and the verdict names it.
    fills = [fill("a", 0, "buy", "100", "1"), fill("b", 1, "sell", "110", "1", fee="0.01", fee_asset="BNB")]
    b = explain(rules=USDT, method=Method.FIFO, fills=fills, reported=D("5"))
    assert b.final == D("10.00")
    assert b.steps[-1].problem
    assert b.status == "mismatch"
    assert any(f.startswith("Data problem: Fee of 0.01 BNB on fill b") for f in b.findings)


def test_the_difference_is_named_when_the_exchange_left_funding_out():
    # Demo numbers, but the exchange shows 17.50 = 24 - 6.50: it left the 3.50 of funding out.
    b = explain(
        rules=USDT,
        method=Method.FIFO,
        fills=[fill("f1", 0, "buy", "100", "2", fee="1.50"), fill("f2", 60, "sell", "112", "2", fee="5")],
        funding=[funding("p1", 30, "-3.50")],
        reported=D("17.50"),
    )
    assert b.difference == D("3.50")
    assert b.findings[0] == (
        "DOES NOT MATCH: the exchange shows 17.50 USDT, the recomputation gives 14.00 USDT (difference 3.50 USDT)."
    )
    assert any("leaves out funding and rebates" in f for f in b.findings)


def test_an_unexplained_difference_is_said_plainly():
    b = explain(rules=USDT, method=Method.FIFO, fills=[fill("a", 0, "buy", "1", "1")], reported=D("3.33"))
    assert b.status == "mismatch"
    assert any("No single cause explains the difference" in f for f in b.findings)


def test_the_fill_where_the_exchange_parts_ways_is_pointed_at():
    # The exchange says the second sale realized 6; it is 1 * (106 - 100) = 6 ✓. The third says 9, it is 8.
    fills = [
        fill("a", 0, "buy", "100", "2"),
        fill("b", 1, "sell", "106", "1", reported="6"),
        fill("c", 2, "sell", "108", "1", reported="9"),
    ]
    b = explain(rules=USDT, method=Method.FIFO, fills=fills, reported=D("15"))
    assert [bool(s.problem) for s in b.steps] == [False, False, True]
    assert any("part ways first at step 3 (fill c)" in f for f in b.findings)


def test_a_time_range_carries_in_the_cost_of_earlier_fills():
    # Bought 2 @ 100 before the range; inside it, sell 1 @ 110: realized 10, cost known from before.
    fills = [fill("a", 0, "buy", "100", "2"), fill("b", 60, "sell", "110", "1")]
    b = explain(rules=USDT, method=Method.FIFO, fills=fills, start=at(30), end=at(90))
    assert [s.kind for s in b.steps] == ["carried_in", "trade"]
    assert "2 long at an average entry of 100" in b.steps[0].text
    assert b.final == D("10.00")


def test_average_cost_with_an_entry_that_never_terminates():
    # Buy 1 @ 100 and 2 @ 101: average entry = (100 + 202) / 3 = 100.666... (a repeating decimal).
    # Sell 1.5 @ 102: average cost realizes 1.5 * (102 - 100.666...) = 1.5 * 4/3 = 2 exactly -> 2.00;
    # FIFO realizes 1 * (102 - 100) + 0.5 * (102 - 101) = 2 + 0.5 = 2.50. 1.5 is still open.
    fills = [fill("a", 0, "buy", "100", "1"), fill("b", 1, "buy", "101", "2"), fill("c", 2, "sell", "102", "1.5")]
    average = explain(rules=USDT, method=Method.AVERAGE, fills=fills)
    fifo = explain(rules=USDT, method=Method.FIFO, fills=fills)
    assert average.final == D("2.00")
    assert abs(average.total - 2) < D("1e-45")  # 50 significant digits of 100.666...
    assert fifo.final == D("2.50")
    assert average.open_quantity == fifo.open_quantity == D("1.5")
