"""The explainer page, its JSON and the share button: agents only."""

import pytest

from accounts.models import Role
from accounts.services import staff_upsert
from chat import services as chat_services
from chat.models import Conversation, Message
from tests.pnl.test_share import open_chat, seed_position

pytestmark = pytest.mark.django_db


def urls_of(position):
    customer_id = position.customer_id
    return [
        f"/pnl/customers/{customer_id}/",
        f"/pnl/customers/{customer_id}/breakdown.json",
        f"/pnl/positions/{position.pk}/breakdown.json",
    ]


def test_outsiders_are_refused(client, customer):
    position = seed_position(customer)
    open_chat(customer)
    for url in urls_of(position):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post(f"/pnl/positions/{position.pk}/share/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Message.objects.filter(kind=Message.Kind.CARD).exists()


def test_a_deactivated_staff_member_gets_nothing(client, customer):
    position = seed_position(customer)
    gone = staff_upsert(email="gone@test.example", password="pw-gone-123", role=Role.AGENT)[0]
    gone.is_active = False
    gone.save()
    client.force_login(gone)
    for url in urls_of(position):
        assert client.get(url).status_code in (302, 404), url


def test_the_page_shows_each_step_the_verdict_and_the_card_preview(client, alice, customer):
    position = seed_position(customer, reported="16")
    client.force_login(alice)
    html = client.get(f"/pnl/customers/{customer.pk}/").content.decode()
    assert "Does not match the exchange" in html
    assert "DOES NOT MATCH: the exchange shows 16.00 USDT, the recomputation gives 14.00 USDT" in html
    assert "Sold 2 at 112, closed 2 of the long: +24 USDT." in html
    assert "Trading fee 0.01 BNB at 500 USDT each = 5 USDT." in html
    assert f'id="pnl-position-{position.pk}"' in html  # the card payload for the preview
    assert "The customer has no open chat." in html


def test_the_json_breakdown_has_exact_amounts_as_strings(client, alice, customer):
    position = seed_position(customer)
    client.force_login(alice)
    data = client.get(f"/pnl/positions/{position.pk}/breakdown.json").json()
    assert (data["final"], data["reported"], data["status"], data["gross"]) == ("14.00", "14", "match", "24")
    assert [s["running_total_rounded"] for s in data["steps"]] == ["0.00", "-1.50", "-5.00", "19.00", "14.00"]
    assert data["position"]["external_id"] == "pos-1"


def test_a_market_over_a_time_range_and_a_bad_range(client, alice, customer):
    seed_position(customer)
    client.force_login(alice)
    url = f"/pnl/customers/{customer.pk}/breakdown.json"
    # From 09:30 (after the buy): the 2 bought earlier are carried in, funding at 09:30 and the sale count.
    data = client.get(url, {"market": "btcusdt", "start": "2026-03-01T09:30", "end": "2026-03-01T11:00"}).json()
    assert [s["kind"] for s in data["steps"]] == ["carried_in", "funding", "trade", "fee"]
    assert data["final"] == "15.50"  # 24 - 3.50 - 5.00: the first fee (1.50) was paid before the range
    response = client.get(url, {"market": "BTCUSDT", "start": "yesterday"})
    assert response.status_code == 400 and "start is not a date-time" in response.json()["detail"]
    assert len(client.get(url).json()["positions"]) == 1
    # The agent types in the figure the customer reads out: the verdict compares against it.
    told = {"market": "BTCUSDT", "reported": "24"}
    data = client.get(url, told).json()
    assert (data["status"], data["final"], data["reported"]) == ("mismatch", "14.00", "24")
    assert data["findings"][1].startswith("The exchange's figure equals the recomputation that counts only the trades")
    assert client.get(url, {"market": "BTCUSDT", "reported": "lots"}).status_code == 400
    page = client.get(f"/pnl/customers/{customer.pk}/", {"market": "BTCUSDT", "start": "2026-03-01T09:30"})
    assert "Already open when the range starts" in page.content.decode()


def test_share_needs_the_chat_accepted_and_then_posts_one_card(client, alice, customer):
    position = seed_position(customer)
    conversation_id = open_chat(customer)
    client.force_login(alice)
    refused = client.post(f"/pnl/positions/{position.pk}/share/", headers={"Accept": "application/json"})
    assert refused.status_code == 409 and refused.json()["error"] == "not_assignee"
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    shared = client.post(f"/pnl/positions/{position.pk}/share/", headers={"Accept": "application/json"})
    assert shared.status_code == 200 and shared.json()["conversation"] == conversation_id
    card = Message.objects.get(kind=Message.Kind.CARD)
    assert card.payload["blocks"][1]["table"]["rows"][-1] == ["Result", "", "14.00 USDT"]
    # Without JavaScript the same button posts a form and comes back to the page.
    again = client.post(f"/pnl/positions/{position.pk}/share/")
    assert again.status_code == 302 and again["Location"] == f"/pnl/customers/{customer.pk}/"
    assert Message.objects.filter(kind=Message.Kind.CARD).count() == 2


def test_unknown_ids_are_404(client, alice):
    client.force_login(alice)
    assert client.get("/pnl/customers/999999/").status_code == 404
    assert client.get("/pnl/positions/999999/breakdown.json").status_code == 404


def test_the_json_pages_through_many_steps(client, alice, customer):
    position = seed_position(customer)  # 5 steps
    client.force_login(alice)
    url = f"/pnl/positions/{position.pk}/breakdown.json"
    first = client.get(url, {"limit": 2}).json()
    assert (first["steps_total"], first["next_offset"], [s["index"] for s in first["steps"]]) == (5, 2, [1, 2])
    last = client.get(url, {"offset": 4, "limit": 2}).json()
    assert ([s["index"] for s in last["steps"]], last["next_offset"]) == ([5], None)
    assert client.get(url, {"limit": "many"}).json()["steps_total"] == 5


def test_the_ticket_and_the_console_sidebar_link_to_the_explainer(client, alice, customer):
    seed_position(customer)
    conversation_id = open_chat(customer)
    ticket_id = Conversation.objects.get(pk=conversation_id).ticket_id
    client.force_login(alice)
    for url in (f"/tickets/{ticket_id}/", f"/tickets/{ticket_id}/sidebar/"):
        assert f'href="/pnl/customers/{customer.pk}/"' in client.get(url).content.decode(), url
