"""The only place that writes lookups, findings and recovery cases.

Every change to a conversation's story records a timeline event on its ticket (tickets.services.event_record);
enqueues and pushes happen after the commit.
"""

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import User
from chat import broadcast
from chat.cards import in_every_language
from chat.models import Conversation
from common.errors import Refusal
from recovery import chains as chain_registry
from recovery import selectors, signals, tasks
from recovery.models import ChainFinding, Lookup, RecoveryCase
from recovery.txid import parse_txid
from recovery.verdicts import ChainAnswer, Decision, Verdict, classify, explain
from tickets import services as tickets_services
from tickets.models import Customer

FINDING_FIELDS = [f.name for f in ChainFinding._meta.get_fields() if f.concrete and f.name not in ("id", "lookup")]


class RecoveryError(Refusal):
    """Recovery's refusals; the views say them in the reader's language (details marked with gettext_noop have
    translations)."""


# --- Lookups --------------------------------------------------------------------------------------------------


def lookup_start(
    *,
    txid: str,
    customer: Customer | None = None,
    conversation_id: int | None = None,
    expected_chain: str = "",
    actor: User | None = None,
    actor_role: str | None = None,
    enqueue: bool = True,
) -> Lookup:
    """Store the request and its timeline event; the lookup itself runs on a worker after the commit.

    Input that is not an EVM transaction (garbage, an address, a Solana signature) is answered at once."""
    registry = chain_registry.registry()
    if expected_chain and registry.get(expected_chain) is None:
        raise RecoveryError("unknown_chain", f"no chain {expected_chain!r} in the chain registry")
    parsed = parse_txid(txid, registry.explorer_hosts())
    with transaction.atomic():
        lookup = Lookup.objects.create(
            txid_input=(txid or "")[:2000],
            tx_hash=parsed.tx_hash,
            input_format=parsed.input_format,
            url_chain=parsed.url_chain,
            customer=customer,
            conversation_id=conversation_id,
            expected_chain=expected_chain,
            requested_by=actor,
            stale_at=_stale_from(timezone.now()),
        )
        _event(lookup, "recovery.lookup_started", actor, actor_role, {"lookup": lookup.pk, "txid": lookup.tx_hash})
        if not parsed.lookable:
            _finish(lookup, classify(parsed, [], registry), parsed, [], registry)
        elif enqueue:
            # robust: a broker that is down must not fail the customer's answer; the lookup is stored, and the
            # sweeper sends it once it is stale.
            transaction.on_commit(lambda: _enqueue(lookup.pk), robust=True)
    return lookup


def lookup_retry(*, lookup_id: int, actor: User | None = None, actor_role: str | None = None) -> Lookup:
    """Ask the chains again (after `incomplete` or `pending`, or when its task was lost: queued or running past its
    deadline): the same row, its findings rewritten. A lookup that is really in progress is left to finish."""
    with transaction.atomic():
        lookup = Lookup.objects.select_for_update().get(pk=lookup_id)
        if not lookup.tx_hash:
            raise RecoveryError("not_lookable", gettext_noop("there is no transaction hash to look up"))
        now = timezone.now()
        if lookup.status != Lookup.Status.DONE and lookup.stale_at is not None and lookup.stale_at > now:
            return lookup  # queued or running, within its deadline
        lookup.status, lookup.verdict, lookup.finished_at = Lookup.Status.QUEUED, "", None
        lookup.stale_at = _stale_from(now)
        lookup.save(update_fields=["status", "verdict", "finished_at", "stale_at"])
        _event(lookup, "recovery.lookup_retried", actor, actor_role, {"lookup": lookup.pk})
        transaction.on_commit(lambda: _enqueue(lookup.pk), robust=True)
    return lookup


def lookups_sweep() -> list[int]:
    """Send again every lookup whose task was lost: queued, or running, past its deadline (stale_at).

    Each is claimed with a conditional UPDATE on the stale_at it was seen with, so two sweeps never send one lookup
    twice; a running one goes back to queued, which lookup_run claims only once. Touches nothing but lookups."""
    now = timezone.now()
    stale = Lookup.objects.exclude(status=Lookup.Status.DONE).filter(Q(stale_at__lte=now) | Q(stale_at=None))
    sent = []
    for lookup_id, seen in stale.values_list("pk", "stale_at")[:500]:
        claimed = (
            Lookup.objects.filter(pk=lookup_id, stale_at=seen)
            .exclude(status=Lookup.Status.DONE)
            .update(status=Lookup.Status.QUEUED, stale_at=_stale_from(now))
        )
        if claimed:
            _enqueue(lookup_id)
            sent.append(lookup_id)
    return sent


def _stale_from(moment, *, running: bool = False):
    """When a lookup queued (or claimed to run) at `moment` is presumed lost: STALE_SECONDS past the time it
    should have started, or, once running, past the longest its chains may take (lookup.ask_all's deadline)."""
    seconds = settings.STALE_SECONDS
    if running:
        seconds += max((chain.timeout_seconds for chain in chain_registry.registry().chains), default=0) + 10
    return moment + timedelta(seconds=seconds)


def _enqueue(lookup_id: int) -> None:
    tasks.lookup_transaction.delay(lookup_id)


def lookup_run(*, lookup_id: int) -> Lookup:
    """Ask every chain, store each answer as it arrives (and push it to the conversation), then the verdict.

    Runs once per claim: the task claims a queued lookup (a conditional UPDATE), so a task delivered twice runs it
    once and a lookup already done is left alone. A lookup whose run was lost is sent again by the sweeper."""
    claimed = Lookup.objects.filter(pk=lookup_id, status=Lookup.Status.QUEUED).update(
        status=Lookup.Status.RUNNING, attempts=F("attempts") + 1, stale_at=_stale_from(timezone.now(), running=True)
    )
    lookup = Lookup.objects.select_related("customer").get(pk=lookup_id)
    if not claimed:
        return lookup
    # web3 is imported only where a lookup runs (the worker): web servers and manage.py start without it (0.6 s less
    # CPU per process start; the suite starts about a hundred).
    from recovery.lookup import ask_all

    registry = chain_registry.registry()
    deposits = selectors.deposit_lookup_for(lookup.customer)
    answers: list[ChainAnswer] = []
    for answer in ask_all(registry.chains, lookup.tx_hash, retries=registry.retries, deposit_lookup=deposits):
        answers.append(answer)
        finding_store(lookup=lookup, answer=answer)
    return _conclude(lookup, answers, registry)


def lookup_record(*, lookup_id: int, answers: list[ChainAnswer]) -> Lookup:
    """Store answers the chains gave elsewhere, then the verdict, as lookup_run does with the ones it asks for.
    (The demo's history uses it: its past chats were never looked up on a real chain.)"""
    lookup = Lookup.objects.select_related("customer").get(pk=lookup_id)
    for answer in answers:
        finding_store(lookup=lookup, answer=answer)
    return _conclude(lookup, answers, chain_registry.registry())


def _conclude(lookup: Lookup, answers: list[ChainAnswer], registry) -> Lookup:
    parsed = parse_txid(lookup.txid_input, registry.explorer_hosts())
    with transaction.atomic():
        _finish(
            lookup,
            classify(parsed, answers, registry, selectors.known_addresses_for(lookup.customer)),
            parsed,
            answers,
            registry,
        )
    return lookup


def finding_store(*, lookup: Lookup, answer: ChainAnswer) -> ChainFinding:
    values = {key: value for key, value in asdict(answer).items() if key in FINDING_FIELDS}
    values["updated_at"] = timezone.now()
    values["amount"] = values["amount"][:80]
    finding, _ = ChainFinding.objects.update_or_create(lookup=lookup, chain=answer.chain, defaults=values)
    transaction.on_commit(lambda: _push_progress(lookup.pk), robust=True)  # a nudge: the card can refresh
    return finding


def _finish(lookup: Lookup, decision: Decision, parsed, answers: list[ChainAnswer], registry) -> None:
    """Store the verdict, once: only the run that holds the claim (same attempt, not done) may."""
    with translation.override("en"):  # stored for staff, the command and JSON; customers get theirs re-worded
        explanation, next_steps = explain(decision, parsed, answers, registry)
    finished = (
        Lookup.objects.filter(pk=lookup.pk, attempts=lookup.attempts)
        .exclude(status=Lookup.Status.DONE)
        .update(
            verdict=decision.verdict,
            explanation=explanation,
            next_steps=next_steps,
            status=Lookup.Status.DONE,
            finished_at=timezone.now(),
            stale_at=None,
        )
    )
    lookup.refresh_from_db()
    if not finished:
        return  # the sweeper gave this run up for lost, and another run holds the lookup now
    data = {"lookup": lookup.pk, "verdict": lookup.verdict, "chain": decision.finding.chain if decision.finding else ""}
    _event(lookup, "recovery.lookup_finished", None, None, data)
    transaction.on_commit(lambda: _push_progress(lookup.pk), robust=True)
    # The task also calls it, after the commit: a result is posted even if this hook is lost with its worker.
    transaction.on_commit(lambda: lookup_result_post(lookup.pk), robust=True)


def lookup_result_post(lookup_id: int) -> None:
    """Announce a finished lookup (recovery.signals.lookup_finished): the walkthrough waiting on it, if any, posts
    its result step. Idempotent."""
    signals.lookup_finished.send(sender=Lookup, lookup_id=lookup_id)


def _push_progress(lookup_id: int) -> None:
    lookup = Lookup.objects.get(pk=lookup_id)
    if lookup.conversation_id is None:
        return
    conversation = Conversation.objects.select_related("customer").get(pk=lookup.conversation_id)
    registry = chain_registry.registry()
    blocks, others = in_every_language(conversation, lambda: selectors.progress_blocks(lookup, registry))
    frame = {
        "type": "card_update",
        "conversation": lookup.conversation_id,
        "card": f"lookup-{lookup.pk}",
        "blocks": blocks,
    }
    renders = {code: {"blocks": other} for code, other in others.items()}  # staff read it in their language
    broadcast.frame_to_conversation(lookup.conversation_id, frame, customer=True, renders=renders)


def _event(lookup: Lookup, kind: str, actor: User | None, actor_role: str | None, data: dict) -> None:
    if lookup.conversation_id is None:
        return  # a lookup from the command line belongs to no conversation
    conversation = Conversation.objects.select_related("ticket").get(pk=lookup.conversation_id)
    tickets_services.event_record(
        ticket=conversation.ticket,
        kind=kind,
        actor=actor,
        actor_role=actor_role,
        conversation_id=lookup.conversation_id,
        data=data,
    )


# --- Recovery cases -------------------------------------------------------------------------------------------

S = RecoveryCase.Status
# Only these moves exist; each is audited. (Lists, not sets, so pages show them in a stable order.)
TRANSITIONS: dict[str, list[str]] = {
    S.SUBMITTED: [S.UNDER_REVIEW, S.REJECTED],
    S.UNDER_REVIEW: [S.AWAITING_CUSTOMER, S.REJECTED],
    S.AWAITING_CUSTOMER: [S.APPROVED, S.REJECTED],
    S.APPROVED: [S.PROCESSING],
    S.PROCESSING: [S.COMPLETED_CREDITED, S.COMPLETED_REFUNDED],
    S.REJECTED: [],
    S.COMPLETED_CREDITED: [],
    S.COMPLETED_REFUNDED: [],
}


def case_open(*, lookup: Lookup, actor: User | None = None, actor_role: str | None = None) -> RecoveryCase:
    """Open a case for a recoverable verdict. Opening twice for one lookup returns the open case."""
    if lookup.verdict not in Verdict.RECOVERABLE:
        raise RecoveryError("not_recoverable", gettext_noop("a recovery case is only opened for a recoverable verdict"))
    if lookup.customer_id is None or lookup.conversation_id is None:
        raise RecoveryError("no_conversation", gettext_noop("a recovery case belongs to a customer's conversation"))
    with transaction.atomic():
        Lookup.objects.select_for_update().get(pk=lookup.pk)
        existing = RecoveryCase.objects.filter(lookup=lookup).first()
        if existing is not None:
            return existing
        ticket_id = Conversation.objects.values_list("ticket_id", flat=True).get(pk=lookup.conversation_id)
        case = RecoveryCase.objects.create(
            lookup=lookup, customer_id=lookup.customer_id, conversation_id=lookup.conversation_id, ticket_id=ticket_id
        )
        _case_event(case, "recovery.case_opened", actor, actor_role, {"status": case.status})
    return case


def case_transition(
    *,
    case_id: int,
    to_status: str,
    actor: User | None = None,
    actor_role: str | None = None,
    fee_quote: str = "",
    timeline_text: str = "",
    note: str = "",
) -> RecoveryCase:
    """Move a case one allowed step; every move is on the ticket's timeline with who, when and why."""
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().get(pk=case_id)
        if to_status not in TRANSITIONS.get(case.status, []):
            # Most often a page drawn before the last move (the customer answered meanwhile): say so plainly.
            raise RecoveryError("bad_transition", gettext_noop("this case has moved on since; see where it stands now"))
        if to_status == S.AWAITING_CUSTOMER and not (fee_quote.strip() and timeline_text.strip()):
            raise RecoveryError("quote_required", gettext_noop("tell the customer the fee and how long it takes"))
        if to_status == S.REJECTED and not note.strip():
            raise RecoveryError("reason_required", gettext_noop("say why the case is rejected"))
        previous = case.status
        case.status = to_status
        case.fee_quote = fee_quote.strip()[:80] or case.fee_quote
        case.timeline_text = timeline_text.strip() or case.timeline_text
        case.note = note.strip() or case.note
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "fee_quote", "timeline_text", "note", "updated_at"])
        data = {"from": previous, "to": to_status, "fee_quote": case.fee_quote, "note": note.strip()}
        _case_event(case, "recovery.case_status", actor, actor_role, data)
        # Both sides see the new status in the chat: the walkthrough posts a card (recovery.signals).
        transaction.on_commit(lambda: signals.case_changed.send(sender=RecoveryCase, case_id=case.pk))
    return case


def walkthrough_event(walkthrough, kind: str, actor: User | None) -> None:
    conversation = Conversation.objects.select_related("ticket").get(pk=walkthrough.conversation_id)
    tickets_services.event_record(
        ticket=conversation.ticket,
        kind=kind,
        actor=actor,
        actor_role=None if actor else "customer",
        conversation_id=walkthrough.conversation_id,
        data={"walkthrough": walkthrough.pk},
    )


def _case_event(case: RecoveryCase, kind: str, actor, actor_role, data: dict) -> None:
    tickets_services.event_record(
        ticket=case.ticket,
        kind=kind,
        actor=actor,
        actor_role=actor_role,
        conversation_id=case.conversation_id,
        data={"case": case.pk, **data},
    )
