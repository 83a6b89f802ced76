"""The demo: demo-alice's BTCUSDT position is 24 - 6.50 - 3.50 = 14, and seeding twice changes nothing."""

import io
from decimal import Decimal

import pytest

from pnl import demo, selectors
from pnl.models import Fill, Position
from tickets import services as tickets_services

D = Decimal


@pytest.mark.django_db
def test_demo_alice_has_the_24_minus_fees_minus_funding_is_14_position():
    tickets_services.customer_upsert(external_id="demo-alice", name="Alice Moreau", locale="en")
    tickets_services.customer_upsert(external_id="demo-ivan", name="Иван Петров", locale="ru")
    out = io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)  # again: idempotent
    assert Fill.objects.count() == 10 and Position.objects.count() == 4
    btc = selectors.position_breakdown(Position.objects.get(external_id="demo-alice-btc"))
    assert (btc.gross, btc.fees, btc.funding_paid, btc.final) == (D(24), D("6.50"), D("3.50"), D("14.00"))
    assert btc.status == "match"
    eth = selectors.position_breakdown(Position.objects.get(external_id="demo-alice-eth"))
    assert (eth.final, eth.status, eth.difference) == (D("47.82"), "mismatch", D("2.98"))
    assert any("leaves out trading fees" in finding for finding in eth.findings)
    assert "P&L explainer: /pnl/customers/" in out.getvalue()
