"""recovery.services: lookups in a conversation (timeline events, live card updates) and recovery cases."""

import asyncio
import os
import queue
import threading
import uuid

import pytest
from channels.layers import get_channel_layer
from web3 import Web3

from chat import broadcast
from chat import services as chat_services
from recovery import services
from recovery.models import Lookup, RecoveryCase
from recovery.services import RecoveryError
from tests.conftest import require
from tests.support.chains import token_transfer
from tickets import services as tickets_services
from tickets.models import TimelineEvent

S = RecoveryCase.Status


@pytest.fixture
def conversation(customer):
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="I sent USDT on the wrong network"
    )
    return posted.message.conversation


@pytest.fixture
def deposit(customer):
    address = Web3.to_checksum_address(os.urandom(20))
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=address)
    return address


class GroupListener:
    """Listens on a conversation's group through the real channel layer, like an agent's socket does: all the
    time, on its own event loop in a thread (the pub/sub layer delivers to whoever is subscribed and listening,
    as a socket is; it keeps nothing for later)."""

    def __init__(self, conversation_id: int):
        self.got: queue.Queue = queue.Queue()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        subscribed = asyncio.run_coroutine_threadsafe(
            self._join(broadcast.conversation_group(conversation_id)), self.loop
        )
        subscribed.result(10)

    async def _join(self, group: str) -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        self.task = asyncio.ensure_future(self._listen(layer, channel))

    async def _listen(self, layer, channel) -> None:
        while True:
            self.got.put(await layer.receive(channel))

    def frames(self) -> list[dict]:
        """What arrived until nothing more came for half a second."""
        got = []
        while True:
            try:
                got.append(self.got.get(timeout=0.5))
            except queue.Empty:
                return [event["frame"] for event in got if event.get("type") == "chat.frame"]


def recoverable_lookup(local_chains, customer, conversation, deposit, capture) -> Lookup:
    tx = token_transfer(local_chains.nodes["bsc"], local_chains.usdt, deposit, 3 * 10**6)
    with capture(execute=True):
        lookup = services.lookup_start(txid=tx, customer=customer, conversation_id=conversation.pk, enqueue=False)
    with capture(execute=True):
        return services.lookup_run(lookup_id=lookup.pk)


@pytest.mark.chain
@pytest.mark.django_db(transaction=True)  # real commits, so each chain's answer is pushed when it is stored
def test_a_lookup_in_a_conversation_is_on_the_timeline_and_pushed_live(
    local_chains, chains_file, customer, conversation, deposit, django_capture_on_commit_callbacks
):
    require("anvil", "redis")
    listener = GroupListener(conversation.pk)
    lookup = recoverable_lookup(local_chains, customer, conversation, deposit, django_capture_on_commit_callbacks)
    assert lookup.verdict == "wrong_network_recoverable"
    kinds = list(
        TimelineEvent.objects.filter(conversation_id=conversation.pk, kind__startswith="recovery.").values_list(
            "kind", "data__verdict"
        )
    )
    assert kinds == [("recovery.lookup_started", None), ("recovery.lookup_finished", "wrong_network_recoverable")]
    frames = listener.frames()
    assert len(frames) == 4  # one per chain as it answers, then the verdict
    assert {f["type"] for f in frames} == {"card_update"}
    assert {f["card"] for f in frames} == {f"lookup-{lookup.pk}"} and frames[0]["conversation"] == conversation.pk
    answered = [sum(item["state"] != "pending" for item in f["blocks"][0]["progress"]) for f in frames]
    assert answered == [1, 2, 3, 3]
    final = {item["key"]: item["state"] for item in frames[-1]["blocks"][0]["progress"]}
    assert final == {"ethereum": "not_found", "bsc": "found", "polygon": "not_found"}
    assert frames[-1]["blocks"][1]["text"] == "Every network has been checked."


@pytest.mark.django_db
def test_a_lookup_is_enqueued_only_after_the_commit(chains_file, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        lookup = services.lookup_start(txid="0x" + "ab" * 32, customer=customer)
    assert lookup.status == Lookup.Status.QUEUED and len(callbacks) == 1
    assert callbacks[0].__qualname__.startswith("lookup_start")


@pytest.mark.django_db
def test_input_that_is_no_evm_txid_is_answered_at_once(chains_file, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lookup = services.lookup_start(txid="0x" + "ab" * 20, customer=customer)
    lookup.refresh_from_db()
    assert (lookup.status, lookup.verdict, lookup.input_format) == ("done", "invalid_input", "evm_address")
    assert "not a transaction ID" in lookup.explanation and lookup.findings.count() == 0


@pytest.mark.chain
@pytest.mark.django_db
def test_running_a_finished_lookup_again_changes_nothing(
    local_chains, chains_file, customer, conversation, deposit, django_capture_on_commit_callbacks
):
    require("anvil")
    lookup = recoverable_lookup(local_chains, customer, conversation, deposit, django_capture_on_commit_callbacks)
    again = services.lookup_run(lookup_id=lookup.pk)
    assert again.attempts == 1 and again.verdict == lookup.verdict


@pytest.mark.chain
@pytest.mark.django_db
def test_a_recovery_case_walks_its_allowed_path_and_every_step_is_audited(
    local_chains, chains_file, customer, conversation, deposit, alice, django_capture_on_commit_callbacks
):
    require("anvil")
    lookup = recoverable_lookup(local_chains, customer, conversation, deposit, django_capture_on_commit_callbacks)
    case = services.case_open(lookup=lookup, actor=alice)
    assert services.case_open(lookup=lookup, actor=alice).pk == case.pk  # opening twice: the same case
    assert case.ticket_id == conversation.ticket_id and case.status == S.SUBMITTED
    with pytest.raises(RecoveryError) as refused:
        services.case_transition(case_id=case.pk, to_status=S.APPROVED, actor=alice)
    assert refused.value.code == "bad_transition"
    services.case_transition(case_id=case.pk, to_status=S.UNDER_REVIEW, actor=alice)
    with pytest.raises(RecoveryError) as refused:
        services.case_transition(case_id=case.pk, to_status=S.AWAITING_CUSTOMER, actor=alice)
    assert refused.value.code == "quote_required"
    services.case_transition(
        case_id=case.pk, to_status=S.AWAITING_CUSTOMER, actor=alice, fee_quote="10 USDT", timeline_text="3 days"
    )
    services.case_transition(case_id=case.pk, to_status=S.APPROVED, actor_role="customer")
    services.case_transition(case_id=case.pk, to_status=S.PROCESSING, actor=alice)
    case = services.case_transition(case_id=case.pk, to_status=S.COMPLETED_CREDITED, actor=alice)
    assert case.is_closed and case.fee_quote == "10 USDT" and case.timeline_text == "3 days"
    with pytest.raises(RecoveryError):
        services.case_transition(case_id=case.pk, to_status=S.PROCESSING, actor=alice)
    events = TimelineEvent.objects.filter(ticket=conversation.ticket, kind__startswith="recovery.case")
    steps = [(e.data.get("from"), e.data.get("to"), e.actor_role) for e in events]
    assert steps == [
        (None, None, "agent"),
        ("submitted", "under_review", "agent"),
        ("under_review", "awaiting_customer", "agent"),
        ("awaiting_customer", "approved", "customer"),
        ("approved", "processing", "agent"),
        ("processing", "completed_credited", "agent"),
    ]


@pytest.mark.chain
@pytest.mark.django_db
def test_a_rejection_needs_a_reason(
    local_chains, chains_file, customer, conversation, deposit, alice, django_capture_on_commit_callbacks
):
    require("anvil")
    lookup = recoverable_lookup(local_chains, customer, conversation, deposit, django_capture_on_commit_callbacks)
    case = services.case_open(lookup=lookup, actor=alice)
    with pytest.raises(RecoveryError, match="say why"):
        services.case_transition(case_id=case.pk, to_status=S.REJECTED, actor=alice)
    case = services.case_transition(case_id=case.pk, to_status=S.REJECTED, actor=alice, note="Unsupported chain")
    assert case.status == S.REJECTED and case.note == "Unsupported chain"


@pytest.mark.django_db
def test_no_case_for_a_verdict_that_is_not_recoverable(chains_file, customer, conversation):
    lookup = services.lookup_start(txid="garbage", customer=customer, conversation_id=conversation.pk)
    with pytest.raises(RecoveryError) as refused:
        services.case_open(lookup=lookup)
    assert refused.value.code == "not_recoverable" and not RecoveryCase.objects.exists()
