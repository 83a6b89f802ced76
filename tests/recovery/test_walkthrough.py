"""The walkthrough over HTTP, as the widget (bearer token) and the console (session + CSRF) drive it."""

import os
import time

import jwt
import pytest
from django.conf import settings
from django.test import Client
from web3 import Web3

from chat import services as chat_services
from chat.models import Message
from helpdesk.celery import app as celery_app
from recovery.models import Lookup, RecoveryCase, Walkthrough
from tests.conftest import require
from tests.support.chains import token_transfer
from tickets import services as tickets_services
from tickets.models import TimelineEvent


def bearer(customer) -> dict:
    token = jwt.encode({"sub": customer.external_id, "exp": int(time.time()) + 600}, settings.WIDGET_SECRET, "HS256")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def cards(conversation_id: int) -> list[dict]:
    return [m.payload for m in Message.objects.filter(conversation_id=conversation_id, kind="card").order_by("seq")]


def answer(client, walkthrough_id, step, value, **headers):
    url = f"/recovery/walkthrough/{walkthrough_id}/answer/"
    return client.post(url, {"step": step, "value": value}, content_type="application/json", **headers)


@pytest.fixture
def eager_tasks(monkeypatch):
    """Run the lookup task in-process on commit (as the demo does without Redis); the worker test covers Celery."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def started(db, chains_file, customer):
    response = Client().post("/recovery/walkthrough/start/", **bearer(customer))
    assert response.status_code == 201
    return response.json()


@pytest.mark.chain
@pytest.mark.django_db(transaction=True)
def test_the_whole_walkthrough_from_the_widget_and_the_console(local_chains, chains_file, customer, alice, eager_tasks):
    require("anvil")
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 250 * 10**6)
    widget = Client()

    started = widget.post("/recovery/walkthrough/start/", **bearer(customer)).json()
    wid, conversation_id = started["walkthrough"], started["conversation"]
    first = Message.objects.filter(conversation_id=conversation_id).order_by("seq").first()
    assert first.author_role == "customer" and "wrong network" in first.body
    asset_card = cards(conversation_id)[0]
    assert asset_card["type"] == "recovery.asset" and asset_card["action"]["url"] == started["answer_url"]
    assert {"value": "USDT", "label": "USDT"} in asset_card["blocks"][2]["choices"]

    assert answer(widget, wid, "asset", "USDT", **bearer(customer)).status_code == 200
    assert answer(widget, wid, "used_chain", "bsc", **bearer(customer)).status_code == 200
    assert answer(widget, wid, "meant_chain", "ethereum", **bearer(customer)).status_code == 200
    txid_card = cards(conversation_id)[-1]
    assert txid_card["type"] == "recovery.txid" and "receipt number" in txid_card["blocks"][0]["text"]
    assert answer(widget, wid, "txid", tx, **bearer(customer)).json()["step"] in ("looking", "result")

    walkthrough = Walkthrough.objects.get(pk=wid)
    assert walkthrough.step == "result" and walkthrough.lookup.expected_chain == "ethereum"
    types = [c["type"] for c in cards(conversation_id)]
    assert types == [
        "recovery.asset", "recovery.answer", "recovery.used_chain", "recovery.answer", "recovery.meant_chain",
        "recovery.answer", "recovery.txid", "recovery.answer", "recovery.note", "recovery.case",
    ]  # fmt: skip
    progress, result = cards(conversation_id)[-2:]
    assert progress["ref"] == f"lookup-{walkthrough.lookup_id}" and progress["refresh_url"].endswith("/blocks/")
    assert result["verdict"] == "wrong_network_recoverable" and result["title"].startswith("Found: sent on another")
    links = [b["link"]["href"] for b in result["blocks"] if "link" in b]
    assert links == [f"https://bsc.explorer.test/tx/{tx}", f"https://bsc.explorer.test/address/{deposit.lower()}"]
    table = next(b["table"] for b in result["blocks"] if "table" in b)
    assert table["rows"] == [["Network", "BNB Smart Chain"], ["Amount", "250 USDT"], ["Confirmations", "1"]]
    # The recipient whole, with a Copy button in both clients (docs/cards.md): never shortened.
    assert {"copy": {"label": "Sent to", "value": deposit.lower()}} in result["blocks"]
    final = {item["key"]: item["state"] for item in result["blocks"][0]["progress"]}
    assert final == {"ethereum": "not_found", "bsc": "found", "polygon": "not_found"}
    refreshed = widget.get(progress["refresh_url"], **bearer(customer)).json()
    assert refreshed["verdict"] == "wrong_network_recoverable"

    answer(widget, wid, "case", "open", **bearer(customer))
    case = RecoveryCase.objects.get(lookup=walkthrough.lookup)
    assert cards(conversation_id)[-1]["title"] == f"Recovery case #{case.pk}: Submitted"

    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    console = Client()
    console.force_login(alice)
    status_url = f"/recovery/cases/{case.pk}/status/"
    for body in (
        {"status": "under_review"},
        {"status": "awaiting_customer", "fee_quote": "5 USDT", "timeline_text": "About 3 working days"},
    ):
        assert console.post(status_url, body, content_type="application/json").status_code == 200
    quote = cards(conversation_id)[-1]
    assert quote["action"]["step"] == "quote" and quote["action"]["audience"] == "customer"
    assert ["Fee", "5 USDT"] in quote["blocks"][1]["table"]["rows"]
    refused = answer(console, wid, "quote", "accept")
    assert refused.status_code == 400 and refused.json()["error"] == "customer_only"
    assert answer(widget, wid, "quote", "accept", **bearer(customer)).status_code == 200
    for status in ("processing", "completed_credited"):
        assert console.post(status_url, {"status": status}, content_type="application/json").status_code == 200
    assert Walkthrough.objects.get(pk=wid).step == "done"
    assert cards(conversation_id)[-1]["title"] == f"Recovery case #{case.pk}: Completed: credited"
    # Every card says the walkthrough still runs, up to the one that ends it (the widget's chip waits for that).
    running = [c["walkthrough_open"] for c in cards(conversation_id)]
    assert all(running[:-1]) and running[-1] is False
    moves = TimelineEvent.objects.filter(kind="recovery.case_status").values_list("data__to", "actor_role")
    assert list(moves) == [
        ("under_review", "agent"),
        ("awaiting_customer", "agent"),
        ("approved", "customer"),
        ("processing", "agent"),
        ("completed_credited", "agent"),
    ]


def test_an_answer_to_a_stale_step_is_refused(started, customer):
    client = Client()
    assert answer(client, started["walkthrough"], "asset", "USDT", **bearer(customer)).status_code == 200
    again = answer(client, started["walkthrough"], "asset", "ETH", **bearer(customer))
    assert again.status_code == 409 and again.json()["error"] == "stale_step"
    assert Walkthrough.objects.get(pk=started["walkthrough"]).asset == "USDT"


def test_starting_twice_continues_the_same_walkthrough(started, customer):
    again = Client().post("/recovery/walkthrough/start/", **bearer(customer)).json()
    assert again["walkthrough"] == started["walkthrough"]
    assert len(cards(started["conversation"])) == 1


def test_something_that_is_no_txid_is_explained_and_asked_again(started, customer):
    client, wid = Client(), started["walkthrough"]
    for step, value in (("asset", "USDT"), ("used_chain", "not_sure"), ("meant_chain", "ethereum")):
        answer(client, wid, step, value, **bearer(customer))
    response = answer(client, wid, "txid", "0x" + "ab" * 20, **bearer(customer))
    assert response.json()["step"] == "txid"
    result, ask_again = cards(started["conversation"])[-2:]
    assert result["verdict"] == "invalid_input" and "not a transaction ID" in result["blocks"][0]["text"]
    assert ask_again["type"] == "recovery.txid" and "txid" not in ask_again["answered_steps"]


def test_a_bad_answer_is_refused_and_loses_nothing(started, customer):
    client, wid = Client(), started["walkthrough"]
    url = f"/recovery/walkthrough/{wid}/answer/"
    assert client.post(url, "not json", content_type="application/json", **bearer(customer)).status_code == 400
    assert answer(client, wid, "asset", "", **bearer(customer)).json()["error"] == "bad_value"
    assert Walkthrough.objects.get(pk=wid).step == "asset"


# --- Outsiders are refused -------------------------------------------------------------------------------------


def test_an_outsider_customer_cannot_answer_or_read(started, other_customer):
    client = Client()
    response = answer(client, started["walkthrough"], "asset", "USDT", **bearer(other_customer))
    assert response.status_code == 404
    assert Walkthrough.objects.get(pk=started["walkthrough"]).step == "asset"


def test_no_credentials_no_entry(started):
    client = Client()
    assert answer(client, started["walkthrough"], "asset", "USDT").status_code == 401
    assert client.post("/recovery/walkthrough/start/").status_code == 401
    expired = jwt.encode({"sub": "cust-1", "exp": int(time.time()) - 3600}, settings.WIDGET_SECRET, "HS256")
    response = answer(client, started["walkthrough"], "asset", "USDT", HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    forged_secret = "not-the-secret-but-long-enough-for-hs256-keys"
    forged = jwt.encode({"sub": "cust-1", "exp": int(time.time()) + 60}, forged_secret, "HS256")
    response = answer(client, started["walkthrough"], "asset", "USDT", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401


def test_an_agent_who_does_not_hold_the_chat_cannot_answer_or_start(started, bob):
    client = Client()
    client.force_login(bob)
    assert answer(client, started["walkthrough"], "asset", "USDT").status_code == 403
    start = client.post("/recovery/walkthrough/start/", {"conversation": started["conversation"]},
                        content_type="application/json")  # fmt: skip
    assert start.status_code == 403


def test_the_console_needs_the_csrf_token(started, alice):
    chat_services.conversation_accept(agent=alice, conversation_id=started["conversation"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = answer(client, started["walkthrough"], "asset", "USDT")
    assert refused.status_code == 403 and refused.json()["error"] == "csrf"
    client.get("/console/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    assert answer(client, started["walkthrough"], "asset", "USDT", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_the_agent_holding_the_chat_can_start_one(chains_file, customer, alice):
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=__import__("uuid").uuid4(), body="help"
    )
    conversation_id = posted.message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    client = Client()
    client.force_login(alice)
    response = client.post("/recovery/walkthrough/start/", {"conversation": conversation_id},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and cards(conversation_id)[-1]["type"] == "recovery.asset"
    assert TimelineEvent.objects.filter(kind="recovery.walkthrough_started", actor=alice).exists()


def test_lookup_progress_and_cases_are_refused_to_outsiders(started, other_customer, customer, bob):
    client = Client()
    assert client.get("/recovery/lookups/999999/blocks/", **bearer(customer)).status_code == 404
    assert client.post("/recovery/cases/1/status/", {"status": "under_review"}, content_type="application/json",
                       **bearer(customer)).status_code == 403  # fmt: skip
    client.force_login(bob)
    assert client.post("/recovery/cases/999999/status/", {}, content_type="application/json").status_code == 404


def test_a_broken_registry_gets_a_calm_answer_not_a_crash(started, customer, settings, tmp_path):
    client, wid = Client(), started["walkthrough"]
    broken = tmp_path / "broken.toml"
    broken.write_text("[[chains]]\nkey = 1\n")
    settings.CHAINS_FILE = str(broken)
    response = answer(client, wid, "asset", "USDT", **bearer(customer))
    assert response.status_code == 503 and response.json()["error"] == "lookups_unavailable"
    assert Walkthrough.objects.get(pk=wid).step == "asset"


def test_not_now_ends_the_walkthrough_and_its_last_card_says_so(started, customer):
    """The last card of a walkthrough the customer ends with "Not now" tells the widget it ended."""
    wid = started["walkthrough"]
    lookup = Lookup.objects.create(
        txid_input="0x" + "ab" * 32,
        tx_hash="0x" + "ab" * 32,
        input_format="evm_hash",
        customer=customer,
        conversation_id=started["conversation"],
        status=Lookup.Status.DONE,
        verdict="wrong_network_recoverable",
    )
    Walkthrough.objects.filter(pk=wid).update(step="result", lookup=lookup)
    assert answer(Client(), wid, "case", "no", **bearer(customer)).json()["step"] == "done"
    last = cards(started["conversation"])[-1]
    assert last["type"] == "recovery.answer" and last["blocks"] == [{"text": "Not now"}]
    assert last["walkthrough_open"] is False
    assert all(card["walkthrough_open"] for card in cards(started["conversation"])[:-1])
