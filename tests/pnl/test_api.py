"""The P&L exchange API: API keys with the pnl:write scope, idempotent pushes, clear errors, the schema."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pnl import selectors
from pnl.models import Fill, FundingPayment, MarketSetting, Position, Rebate
from tickets import services as tickets_services
from tickets.models import Customer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/pnl"
FILLS = {
    "fills": [
        {"external_id": "t1", "time": "2026-03-01T09:00:00Z", "market": "btcusdt", "side": "buy", "price": "100",
         "quantity": "2", "fee": "1.50", "order_id": "o1"},
        {"external_id": "t2", "time": "2026-03-01T10:00:00Z", "market": "BTCUSDT", "side": "sell", "price": "112",
         "quantity": "2", "fee": "0.01", "fee_asset": "BNB", "fee_rate": "500"},
    ]
}  # fmt: skip
FUNDING = {"payments": [{"external_id": "p1", "time": "2026-03-01T09:30:00Z", "market": "BTCUSDT", "amount": "-3.5"}]}
REBATES = {"rebates": [{"external_id": "r1", "time": "2026-03-01T09:40:00Z", "kind": "reward", "amount": "1"}]}
POSITIONS = {
    "positions": [
        {"external_id": "pos-1", "market": "BTCUSDT", "opened_at": "2026-03-01T09:00:00Z",
         "closed_at": "2026-03-01T10:00:00Z", "reported_pnl": "14.00"}
    ]
}  # fmt: skip


def client_with(*scopes: str) -> APIClient:
    _, raw = tickets_services.api_key_create(name="exchange", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api():
    return client_with("pnl:write")


ENDPOINTS = [
    ("post", f"{BASE}/customers/u-1/fills/", FILLS),
    ("post", f"{BASE}/customers/u-1/funding/", FUNDING),
    ("post", f"{BASE}/customers/u-1/rebates/", REBATES),
    ("post", f"{BASE}/customers/u-1/positions/", POSITIONS),
    ("put", f"{BASE}/markets/BTCUSDT/", {"quote_asset": "USDT"}),
]


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_outsiders_are_refused(method, url, body, alice, client):
    assert getattr(APIClient(), method)(url, body, format="json").status_code == 401
    wrong_scope = client_with("tickets:read")
    assert getattr(wrong_scope, method)(url, body, format="json").status_code == 403
    client.force_login(alice)  # a staff session is not an API key
    assert getattr(client, method)(url, body, content_type="application/json").status_code in (401, 403)
    assert not Customer.objects.filter(external_id="u-1").exists()
    assert not (Fill.objects.exists() or FundingPayment.objects.exists() or Position.objects.exists())


def test_a_push_sent_twice_stores_once_and_the_breakdown_is_the_worked_one(api):
    for _ in range(2):
        for path, body in [("fills", FILLS), ("funding", FUNDING), ("rebates", REBATES), ("positions", POSITIONS)]:
            response = api.post(f"{BASE}/customers/u-1/{path}/", body, format="json")
            assert response.status_code == 200, response.content
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1, "conflicts": []}
    assert (Fill.objects.count(), FundingPayment.objects.count(), Rebate.objects.count()) == (2, 1, 1)
    assert set(Fill.objects.values_list("market", flat=True)) == {"BTCUSDT"}
    b = selectors.position_breakdown(Position.objects.get(external_id="pos-1"))
    # 24 - 6.50 - 3.50 = 14; the reward has no market, so it does not count in the BTCUSDT position.
    assert (b.final, b.status) == (Decimal("14.00"), "match")


def test_a_changed_fill_is_a_conflict_and_is_not_changed(api):
    api.post(f"{BASE}/customers/u-1/fills/", FILLS, format="json")
    changed = {"fills": [{**FILLS["fills"][0], "price": "101"}]}
    response = api.post(f"{BASE}/customers/u-1/fills/", changed, format="json")
    assert response.json()["conflicts"] == [
        {"id": "t1", "detail": "already imported with different price; not changed"}
    ]
    assert Fill.objects.get(external_id="t1").price == Decimal(100)


def test_bad_input_gets_a_clear_error_and_stores_nothing(api):
    bad = {"fills": [FILLS["fills"][0], {**FILLS["fills"][1], "side": "hold"}]}
    response = api.post(f"{BASE}/customers/u-1/fills/", bad, format="json")
    assert response.status_code == 400
    assert response.json() == {"fills": {"1": {"side": ['"hold" is not a valid choice.']}}}  # row 1 says why
    zero = {"fills": [{**FILLS["fills"][0], "quantity": "0"}]}
    response = api.post(f"{BASE}/customers/u-1/fills/", zero, format="json")
    assert response.status_code == 400 and response.json() == {
        "fills.0.quantity": ['must be above 0 written as a string, like "12.50" (at most 18 decimals)']
    }
    assert api.post(f"{BASE}/customers/u-1/fills/", {"fills": []}, format="json").status_code == 400
    assert not Fill.objects.exists()


def test_market_settings_by_api(api):
    body = {"quote_asset": "usdt", "precision": 4, "rounding": "ROUND_DOWN", "cost_basis": "average"}
    response = api.put(f"{BASE}/markets/solusdt/", body, format="json")
    assert response.status_code == 200
    setting = MarketSetting.objects.get(symbol="SOLUSDT")
    assert (setting.quote_asset, setting.precision, setting.rounding, setting.cost_basis) == (
        "USDT", 4, "ROUND_DOWN", "average",
    )  # fmt: skip
    assert api.put(f"{BASE}/markets/X/", {"quote_asset": "USDT", "rounding": "UP"}, format="json").status_code == 400


def test_the_schema_documents_the_pnl_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("fills", "funding", "rebates", "positions"):
        operation = schema["paths"][f"/api/v1/pnl/customers/{{external_id}}/{path}/"]["post"]
        assert operation["security"] == [{"ApiKey": []}]
        assert "Idempotent" in operation["description"]
    assert "/api/v1/pnl/markets/{symbol}/" in schema["paths"]
