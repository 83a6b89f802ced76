"""The guided wrong-chain walkthrough in the chat (docs/recovery.md): which step comes next, and what an answer
changes. Steps are cards (docs/cards.md, built by recovery.walkthrough_cards) that both sides see, posted through
chat.services; answers come to recovery's own endpoint and land here.

what happened (coin, network used, network meant) -> what a TXID is and where to find it -> the TXID -> live
progress per chain -> the result in plain words with explorer links -> next steps (a recovery case, a retry).
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from chat import screening
from chat import services as chat_services
from chat.cards import in_every_language
from chat.models import Conversation
from recovery import chains as chain_registry
from recovery import selectors, services
from recovery import walkthrough_cards as cards
from recovery.models import Lookup, RecoveryCase, Walkthrough
from recovery.services import RecoveryError
from recovery.verdicts import Verdict
from tickets.models import Customer

Step = Walkthrough.Step


# --- Starting and answering -----------------------------------------------------------------------------------


def walkthrough_start(*, customer: Customer | None = None, agent: User | None = None, conversation_id=None):
    """The customer starts it from the widget (their open chat, or a new one), or the chat's agent from the
    console. An unfinished walkthrough in the same conversation is returned rather than started twice."""
    if customer is not None:
        conversation_id = _customer_conversation(customer)
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    if agent is not None and conversation.assignee_id != agent.pk and not agent.is_supervisor:
        raise RecoveryError("not_assignee", gettext_noop("accept this conversation before starting a walkthrough"))
    if not conversation.is_open:
        raise RecoveryError("conversation_ended", gettext_noop("this conversation has ended"))
    with transaction.atomic():
        Conversation.objects.select_for_update().get(pk=conversation.pk)
        active = Walkthrough.objects.filter(conversation_id=conversation.pk).exclude(step=Step.DONE).first()
        if active is not None:
            return active
        walkthrough = Walkthrough.objects.create(
            conversation_id=conversation.pk, customer=conversation.customer, started_by=agent
        )
        services.walkthrough_event(walkthrough, "recovery.walkthrough_started", agent)
        _post(walkthrough, lambda: (cards.asset_card(walkthrough), _("What did you send?")))
    return walkthrough


def _customer_conversation(customer: Customer) -> int:
    import uuid

    with translation.override(customer.locale or "en"):  # the customer's own first words, so their language
        body = _("I sent funds on the wrong network.")
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=body
    )
    return posted.message.conversation_id


def walkthrough_answer(
    *, walkthrough_id: int, step: str, value, agent: User | None = None, enqueue: bool = True
) -> Walkthrough:
    """One answer to the open step. A step answered already is refused (the card is stale). `enqueue=False` leaves
    a TXID's lookup for the caller to run (the demo's history records its answers with lookup_record)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        raise RecoveryError("bad_value", gettext_noop("send the answer as a non-empty string"))
    # A seed phrase pasted where the TXID goes is removed before the lookup, the echo or the log keep it.
    screened = screening.customer_text(value.strip()) if agent is None else None
    value = screened.body if screened else value.strip()
    with transaction.atomic():
        walkthrough = Walkthrough.objects.select_for_update().get(pk=walkthrough_id)
        handler = ANSWERS.get(step)
        if handler is None or not _expects(walkthrough, step):
            raise RecoveryError("stale_step", gettext_noop("this question was already answered; see the latest card"))
        handler(walkthrough, value, agent, **({"enqueue": enqueue} if step == Step.TXID else {}))
        if screened and screened.kinds:
            chat_services.secret_warning_post(conversation_id=walkthrough.conversation_id, kinds=screened.kinds)
        walkthrough.updated_at = timezone.now()
        walkthrough.save()
    return walkthrough


def _expects(walkthrough: Walkthrough, step: str) -> bool:
    if step in ("retry", "case"):
        verdict = walkthrough.lookup.verdict if walkthrough.lookup_id else ""
        wanted = Verdict.RECOVERABLE if step == "case" else {Verdict.INCOMPLETE, Verdict.PENDING}
        return walkthrough.step == Step.RESULT and verdict in wanted
    if step == "quote":
        case = _open_case(walkthrough)
        return case is not None and case.status == RecoveryCase.Status.AWAITING_CUSTOMER
    return walkthrough.step == step


def _answer_asset(walkthrough: Walkthrough, value: str, agent) -> None:
    walkthrough.asset = value[:32]
    _answered(walkthrough, Step.ASSET, lambda: _("Sent: %(asset)s") % {"asset": cards.asset_label(value)})
    walkthrough.step = Step.USED_CHAIN
    _post(walkthrough, lambda: (cards.chain_card(walkthrough, Step.USED_CHAIN), _("Which network did you send on?")))


def _answer_used_chain(walkthrough: Walkthrough, value: str, agent) -> None:
    walkthrough.used_chain = _chain_value(value)
    network = walkthrough.used_chain
    _answered(walkthrough, Step.USED_CHAIN, lambda: _("Sent on: %(network)s") % {"network": cards.chain_label(network)})
    walkthrough.step = Step.MEANT_CHAIN
    _post(
        walkthrough, lambda: (cards.chain_card(walkthrough, Step.MEANT_CHAIN), _("Which network did you mean to use?"))
    )


def _answer_meant_chain(walkthrough: Walkthrough, value: str, agent) -> None:
    walkthrough.meant_chain = _chain_value(value)
    network = walkthrough.meant_chain
    _answered(walkthrough, Step.MEANT_CHAIN, lambda: _("Meant: %(network)s") % {"network": cards.chain_label(network)})
    walkthrough.step = Step.TXID
    _post(walkthrough, lambda: (cards.txid_card(walkthrough), _("Paste the transaction ID (TXID)")))


def _answer_txid(walkthrough: Walkthrough, value: str, agent, enqueue: bool = True) -> None:
    expected = walkthrough.meant_chain if walkthrough.meant_chain != cards.NOT_SURE else ""
    lookup = services.lookup_start(
        txid=value,
        customer=walkthrough.customer,
        conversation_id=walkthrough.conversation_id,
        expected_chain=expected,
        actor=agent,
        actor_role=None if agent else "customer",
        enqueue=enqueue,
    )
    walkthrough.lookup = lookup
    _answered(walkthrough, Step.TXID, lambda: "TXID", copy=value[:120])  # the same in every language
    if lookup.status == Lookup.Status.DONE:  # not a transaction we can look up: say why at once
        _post_result(walkthrough, lookup)
        return
    walkthrough.step = Step.LOOKING
    _post(
        walkthrough,
        lambda: (cards.progress_card(walkthrough, lookup), _("Looking up your transaction on every network")),
    )


def _answer_retry(walkthrough: Walkthrough, value: str, agent) -> None:
    lookup = services.lookup_retry(lookup_id=walkthrough.lookup_id, actor=agent)
    _answered(walkthrough, "retry", lambda: _("Check again"))
    walkthrough.step = Step.LOOKING
    _post(walkthrough, lambda: (cards.progress_card(walkthrough, lookup), _("Looking up your transaction again")))


def _answer_case(walkthrough: Walkthrough, value: str, agent) -> None:
    if value != "open":
        walkthrough.step = Step.DONE  # before the echo: it is the last card, and says the walkthrough ended
        _answered(walkthrough, "case", lambda: _("Not now"))
        return
    case = services.case_open(lookup=walkthrough.lookup, actor=agent, actor_role=None if agent else "customer")
    _answered(walkthrough, "case", lambda: _("Open a recovery case"))
    walkthrough.step = Step.CASE
    _post(walkthrough, lambda: (cards.case_card(walkthrough, case), _("Recovery case #%(case)s") % {"case": case.pk}))


def _answer_quote(walkthrough: Walkthrough, value: str, agent) -> None:
    if agent is not None:
        raise RecoveryError("customer_only", gettext_noop("only the customer can accept or decline the fee"))
    case = _open_case(walkthrough)
    accept = value == "accept"
    services.case_transition(
        case_id=case.pk,
        to_status=RecoveryCase.Status.APPROVED if accept else RecoveryCase.Status.REJECTED,
        actor_role="customer",
        note="" if accept else cards.DECLINED_NOTE,
    )
    _answered(walkthrough, "quote", lambda: _("Accepted the fee") if accept else _("Declined the fee"))


ANSWERS = {
    Step.ASSET: _answer_asset,
    Step.USED_CHAIN: _answer_used_chain,
    Step.MEANT_CHAIN: _answer_meant_chain,
    Step.TXID: _answer_txid,
    "retry": _answer_retry,
    "case": _answer_case,
    "quote": _answer_quote,
}


# --- Hooks from the lookup and the case ------------------------------------------------------------------------


def lookup_finished(*, lookup_id: int, **signal) -> None:
    """After a lookup's verdict is stored (recovery.signals.lookup_finished): the walkthrough waiting on it posts its
    result step."""
    with transaction.atomic():
        walkthrough = Walkthrough.objects.select_for_update().filter(lookup_id=lookup_id, step=Step.LOOKING).first()
        if walkthrough is None:
            return
        _post_result(walkthrough, Lookup.objects.get(pk=lookup_id))
        walkthrough.updated_at = timezone.now()
        walkthrough.save()


def case_changed(*, case_id: int, **signal) -> None:
    """Every status change of a case (recovery.signals.case_changed) is shown to both sides as a card."""
    case = RecoveryCase.objects.get(pk=case_id)
    walkthrough = Walkthrough.objects.filter(lookup_id=case.lookup_id).order_by("-id").first()
    if walkthrough is None:
        return
    with transaction.atomic():
        if case.is_closed and walkthrough.step == Step.CASE:
            Walkthrough.objects.filter(pk=walkthrough.pk).update(step=Step.DONE, updated_at=timezone.now())
            walkthrough.step = Step.DONE  # the card below says the walkthrough ended
        _post(walkthrough, lambda: (cards.case_card(walkthrough, case), cards.case_title(case)))


def _post_result(walkthrough: Walkthrough, lookup: Lookup) -> None:
    # A new result may offer "check again" once more.
    walkthrough.answered_steps = [step for step in walkthrough.answered_steps if step != "retry"]
    registry = chain_registry.registry()
    # The step after this result, known before the card is built: it says whether the walkthrough still runs.
    walkthrough.step = Step.RESULT if cards.result_step(lookup)[0] else Step.DONE
    if lookup.verdict == Verdict.INVALID_INPUT:
        walkthrough.step = Step.TXID  # ask again

    def result():
        explanation, next_steps = selectors.lookup_words(lookup, registry)
        card = cards.result_card(walkthrough, lookup, explanation, next_steps)
        return card, f"{_(cards.RESULT_TITLES[lookup.verdict])}. {explanation}"

    _post(walkthrough, result)
    if lookup.verdict == Verdict.INVALID_INPUT:
        walkthrough.answered_steps = [s for s in walkthrough.answered_steps if s != Step.TXID]
        _post(walkthrough, lambda: (cards.txid_card(walkthrough), _("Paste the transaction ID (TXID)")))


# --- Small helpers --------------------------------------------------------------------------------------------


def _post(walkthrough: Walkthrough, build) -> None:
    """Post the card `build()` makes ((payload, body) in the active language) for every reader: as the customer
    reads it (the conversation's language, whoever answered) and as staff in each other language read it."""
    conversation = Conversation.objects.select_related("customer").get(pk=walkthrough.conversation_id)
    (payload, body), others = in_every_language(conversation, build)
    renders = {code: {"body": words[:4000], "payload": card} for code, (card, words) in others.items()}
    chat_services.system_message_post(
        conversation_id=walkthrough.conversation_id, body=body[:4000], payload=payload, kind="card", renders=renders
    )


def _answered(walkthrough: Walkthrough, step: str, words, copy: str = "") -> None:
    """Record the answer, and echo it as a small card with the same step, which quiets the answered card.
    `words()` says the answer in the active language; a `copy` answer (a TXID) is echoed whole, to copy."""
    if step not in walkthrough.answered_steps:
        walkthrough.answered_steps = [*walkthrough.answered_steps, step]
    _post(walkthrough, lambda: cards.answer_card(walkthrough, step, words(), copy))


def _open_case(walkthrough: Walkthrough) -> RecoveryCase | None:
    if walkthrough.lookup_id is None:
        return None
    return RecoveryCase.objects.filter(lookup_id=walkthrough.lookup_id).first()


def _chain_value(value: str) -> str:
    return value if value == cards.NOT_SURE or chain_registry.registry().get(value) else cards.NOT_SURE
