"""Lookups whose task was lost (a broker restarted empty, a worker gone): the sweeper sends them again, once; a
retry accepts them; the walkthrough shows the result whenever the lookup finishes."""

import datetime as dt
import uuid

import pytest
import time_machine

from chat import services as chat_services
from chat.models import Message
from recovery import services, walkthrough
from recovery.models import Lookup, Walkthrough
from recovery.tasks import lookup_transaction
from tickets.models import TimelineEvent

TXID = "0x" + "ab" * 32


@pytest.fixture
def sent(monkeypatch):
    """The lookups sent to the workers (the broker is not what these tests are about)."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_enqueue", ids.append)
    return ids


@pytest.fixture
def conversation(customer):
    return chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="I sent USDT on the wrong network"
    ).message.conversation


def later(seconds: float):
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


@pytest.mark.django_db(transaction=True)  # real commits: sends happen after them
def test_a_queued_lookup_is_sent_again_once_it_is_stale_and_only_once(customer, sent, settings):
    lookup = services.lookup_start(txid=TXID, customer=customer)
    assert sent == [lookup.pk]  # the first send (its task is then lost)
    assert services.lookups_sweep() == []  # within its deadline: left to its task
    with later(settings.STALE_SECONDS + 1):
        assert services.lookups_sweep() == [lookup.pk]
        assert services.lookups_sweep() == []  # claimed: a second sweep (or a second beat) sends nothing
    with later(2 * settings.STALE_SECONDS + 2):
        assert services.lookups_sweep() == [lookup.pk]  # still not taken: sent again, one deadline later
    assert sent == [lookup.pk] * 3
    assert Lookup.objects.get(pk=lookup.pk).status == Lookup.Status.QUEUED


@pytest.mark.django_db(transaction=True)  # real commits: sends happen after them
def test_a_lookup_running_within_its_deadline_is_left_alone_and_one_past_it_runs_again_once(customer, sent, settings):
    lookup = services.lookup_start(txid=TXID, customer=customer)
    # A worker claims it, then dies: it stays "running" with the claim's deadline.
    deadline = services._stale_from(dt.datetime.now(dt.UTC), running=True)
    Lookup.objects.filter(pk=lookup.pk).update(status=Lookup.Status.RUNNING, attempts=1, stale_at=deadline)
    with later(settings.STALE_SECONDS + 1):
        assert services.lookups_sweep() == []  # its chains may still be answering
    with later((deadline - dt.datetime.now(dt.UTC)).total_seconds() + 1):
        assert services.lookups_sweep() == [lookup.pk]
    lookup.refresh_from_db()
    assert (lookup.status, lookup.attempts) == (Lookup.Status.QUEUED, 1)
    # The sweeper's task and the lost one's redelivery both arrive: the first claims it, the second finds it taken.
    first = Lookup.objects.filter(pk=lookup.pk, status=Lookup.Status.QUEUED).update(status=Lookup.Status.RUNNING)
    assert first == 1
    assert services.lookup_run(lookup_id=lookup.pk).status == Lookup.Status.RUNNING  # not run a second time
    assert Lookup.objects.get(pk=lookup.pk).attempts == 1


@pytest.mark.django_db(transaction=True)  # real commits: sends happen after them
def test_a_done_lookup_is_never_swept(customer, sent, settings):
    lookup = services.lookup_start(txid="0x" + "ab" * 20, customer=customer)  # an address: answered at once
    assert lookup.status == Lookup.Status.DONE and lookup.stale_at is None
    with later(10 * settings.STALE_SECONDS):
        assert services.lookups_sweep() == []


@pytest.mark.django_db(transaction=True)  # real commits: sends happen after them
def test_retry_accepts_a_lookup_whose_task_was_lost_and_leaves_one_in_progress(customer, conversation, sent, settings):
    lookup = services.lookup_start(txid=TXID, customer=customer, conversation_id=conversation.pk)
    services.lookup_retry(lookup_id=lookup.pk)  # queued and within its deadline: it is on its way
    assert sent == [lookup.pk]
    with later(settings.STALE_SECONDS + 1):
        again = services.lookup_retry(lookup_id=lookup.pk)
    assert sent == [lookup.pk, lookup.pk] and again.status == Lookup.Status.QUEUED
    kinds = TimelineEvent.objects.filter(conversation_id=conversation.pk, kind__startswith="recovery.lookup")
    assert list(kinds.values_list("kind", flat=True).order_by("id")) == [
        "recovery.lookup_started",
        "recovery.lookup_retried",
    ]


@pytest.mark.django_db(transaction=True)  # real commits: sends happen after them
def test_the_task_posts_the_result_even_when_the_verdicts_hook_was_lost(customer, sent):
    """A worker stored the verdict and died before the walkthrough's step: the redelivered task posts it."""
    started = walkthrough.walkthrough_start(customer=customer)
    for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum"), ("txid", TXID)):
        walkthrough.walkthrough_answer(walkthrough_id=started.pk, step=step, value=value)
    looking = Walkthrough.objects.get(pk=started.pk)
    assert looking.step == Walkthrough.Step.LOOKING
    verdict = {"verdict": "not_found", "explanation": "Not found.", "next_steps": "Check the TXID."}
    Lookup.objects.filter(pk=looking.lookup_id).update(status=Lookup.Status.DONE, attempts=1, **verdict)

    assert lookup_transaction.apply(args=[looking.lookup_id]).get() == "not_found"
    assert lookup_transaction.apply(args=[looking.lookup_id]).get() == "not_found"  # and once only

    assert Walkthrough.objects.get(pk=started.pk).step != Walkthrough.Step.LOOKING
    cards = Message.objects.filter(conversation_id=looking.conversation_id, kind="card").order_by("seq")
    results = [m.payload for m in cards if m.payload.get("verdict")]
    assert [r["verdict"] for r in results] == ["not_found"]
    assert Lookup.objects.get(pk=looking.lookup_id).attempts == 1  # nothing was asked of the chains again
