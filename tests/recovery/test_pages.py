"""The recovery case pages: who sees which case, and moving a case one step with a plain form."""

import os
import uuid

import pytest
from django.test import Client
from web3 import Web3

from chat import services as chat_services
from recovery import services
from recovery.models import RecoveryCase
from tests.conftest import require
from tests.recovery.test_services import recoverable_lookup
from tickets import services as tickets_services
from tickets.models import TimelineEvent

pytestmark = [pytest.mark.chain, pytest.mark.django_db]


@pytest.fixture
def case(local_chains, chains_file, customer, alice, django_capture_on_commit_callbacks):
    require("anvil")
    deposit = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=deposit)
    conversation = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="wrong network"
    ).message.conversation
    chat_services.conversation_accept(agent=alice, conversation_id=conversation.pk)
    lookup = recoverable_lookup(local_chains, customer, conversation, deposit, django_capture_on_commit_callbacks)
    return services.case_open(lookup=lookup, actor=alice)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_agent_holding_the_chat_sees_and_moves_the_case(case, alice):
    client = signed_in(alice)
    listing = client.get("/recovery/cases/")
    assert listing.status_code == 200 and f"Case {case.pk}" in listing.text
    assert "Found: sent on another network, and recoverable" in listing.text
    page = client.get(f"/recovery/cases/{case.pk}/")
    assert page.status_code == 200 and "3 USDT" in page.text and "Start the review" in page.text
    moved = client.post(f"/recovery/cases/{case.pk}/", {"status": "under_review"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.status == RecoveryCase.Status.UNDER_REVIEW
    assert TimelineEvent.objects.filter(kind="recovery.case_status", actor=alice, data__to="under_review").exists()


def test_a_quote_without_a_fee_is_refused_and_changes_nothing(case, alice):
    client = signed_in(alice)
    client.post(f"/recovery/cases/{case.pk}/", {"status": "under_review"})
    refused = client.post(f"/recovery/cases/{case.pk}/", {"status": "awaiting_customer"}, follow=True)
    assert "tell the customer the fee" in refused.text
    case.refresh_from_db()
    assert case.status == RecoveryCase.Status.UNDER_REVIEW


def test_an_impossible_move_is_refused(case, alice):
    refused = signed_in(alice).post(f"/recovery/cases/{case.pk}/", {"status": "completed_credited"}, follow=True)
    assert "this case has moved on since; see where it stands now" in refused.text
    assert RecoveryCase.objects.get(pk=case.pk).status == RecoveryCase.Status.SUBMITTED


def test_another_agent_neither_sees_nor_moves_it(case, bob):
    client = signed_in(bob)
    assert f"Case {case.pk}" not in client.get("/recovery/cases/").text
    assert client.get(f"/recovery/cases/{case.pk}/").status_code == 404
    assert client.post(f"/recovery/cases/{case.pk}/", {"status": "under_review"}).status_code == 404
    assert RecoveryCase.objects.get(pk=case.pk).status == RecoveryCase.Status.SUBMITTED


def test_a_supervisor_sees_every_case_and_may_move_it(case, sofia):
    client = signed_in(sofia)
    assert f"Case {case.pk}" in client.get("/recovery/cases/").text
    client.post(f"/recovery/cases/{case.pk}/", {"status": "rejected", "note": "Not ours after all"})
    assert RecoveryCase.objects.get(pk=case.pk).status == RecoveryCase.Status.REJECTED
    assert f"Case {case.pk}" in client.get("/recovery/cases/?show=closed").text


def test_outsiders_are_sent_to_sign_in(case):
    client = Client()
    assert client.get("/recovery/cases/").status_code == 302
    assert client.get(f"/recovery/cases/{case.pk}/").status_code == 302
