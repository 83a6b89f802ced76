"""Reads shared by the task, the command, the walkthrough and the pages."""

from dataclasses import fields

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from chat.cards import customer_language
from chat.models import Conversation
from recovery.chains import Registry
from recovery.models import ChainFinding, Lookup, RecoveryCase
from recovery.txid import parse_txid
from recovery.verdicts import MISCONFIGURED, UNKNOWN, ChainAnswer, Decision, Known, classify, explain
from tickets.models import AccountActivity, Customer, DepositAddress, TimelineEvent

S = RecoveryCase.Status

PROGRESS_STATE = {
    ChainFinding.Status.FOUND: "found",
    ChainFinding.Status.NOT_FOUND: "not_found",
    ChainFinding.Status.UNKNOWN: "unknown",
    ChainFinding.Status.MISCONFIGURED: "failed",
}


def known_addresses_for(customer: Customer | None) -> Known:
    """The customer's own addresses a look-alike is compared with: deposit addresses and where withdrawals went."""
    if customer is None:
        return Known(match=settings.POISONING_MATCH)
    deposits = DepositAddress.objects.filter(customer=customer).values_list("address", flat=True)
    withdrawals = (
        AccountActivity.objects.filter(customer=customer, kind=AccountActivity.Kind.WITHDRAWAL)
        .exclude(destination_address="")
        .values_list("destination_address", flat=True)
    )
    return Known(addresses=tuple(sorted({*deposits, *withdrawals})), match=settings.POISONING_MATCH)


def deposit_lookup_for(customer: Customer | None):
    """address -> chain keys where it is a deposit address: the customer's own, or anyone's without a customer."""
    if customer is not None:
        mine: dict[str, list[str]] = {}
        for chain, address in DepositAddress.objects.filter(customer=customer).values_list("chain", "address"):
            mine.setdefault(address.lower(), []).append(chain)
        return lambda address: mine.get(address.lower(), [])

    def anyone(address: str) -> list[str]:
        return list(DepositAddress.objects.filter(address=address.lower()).values_list("chain", flat=True))

    return anyone


def findings_of(lookup: Lookup) -> list[ChainFinding]:
    return list(lookup.findings.order_by("id"))


def unreachable_of(findings: list[ChainFinding]) -> list[str]:
    return [f.chain for f in findings if f.status in (UNKNOWN, MISCONFIGURED)]


def finding_json(finding: ChainFinding) -> dict:
    asset = None
    if finding.status == ChainFinding.Status.FOUND:
        asset = {
            "kind": finding.asset_kind or None,
            "symbol": finding.asset_symbol or None,
            "contract": finding.asset_contract or None,
            "amount": finding.amount or None,
        }
    return {
        "chain": finding.chain,
        "chain_id": finding.chain_id,
        "status": finding.status,
        "confirmations": finding.confirmations,
        "from": finding.from_address or None,
        "to": finding.to_address or None,
        "asset": asset,
        "to_is_contract": finding.to_is_contract,
        "to_customer_chain": finding.to_customer_chain or None,
    }


def lookup_json(lookup: Lookup) -> dict:
    """The shape `lookup_tx --json` prints (issue 4)."""
    findings = findings_of(lookup)
    explanation = " ".join(part for part in (lookup.explanation, lookup.next_steps) if part)
    return {
        "txid": lookup.tx_hash or lookup.txid_input,
        "input_format": lookup.input_format,
        "verdict": lookup.verdict or None,
        "findings": [finding_json(f) for f in findings],
        "unreachable": unreachable_of(findings),
        "explanation": explanation,
    }


def progress_blocks(lookup: Lookup, registry: Registry) -> list[dict]:
    """The live per-chain progress of a lookup, as card blocks (docs/cards.md)."""
    done = {f.chain: f for f in findings_of(lookup)}
    items = []
    for chain in registry.chains:
        finding = done.get(chain.key)
        state = PROGRESS_STATE.get(finding.status, "pending") if finding else "pending"
        if finding and finding.status == ChainFinding.Status.FOUND and finding.tx_success is False:
            state = "failed"
        items.append({"key": chain.key, "label": chain.name, "state": state})
    blocks: list[dict] = [{"progress": items}]
    if lookup.status == Lookup.Status.DONE:
        blocks.append(
            {
                "text": gettext("Every network has been checked.")
                if lookup.tx_hash
                else lookup_words(lookup, registry)[0]
            }
        )
    return blocks


def conversation_language(conversation_id: int | None):
    """Recovery's cards belong to a chat: they speak its customer's language, whoever posts or reads them."""
    conversation = Conversation.objects.select_related("customer").filter(pk=conversation_id).first()
    return customer_language(conversation) if conversation else translation.override("en")


def lookup_words(lookup: Lookup, registry: Registry) -> tuple[str, str]:
    """(explanation, next steps) of a finished lookup in the active language.

    The lookup stores them in English (staff pages, `lookup_tx --json`); the same pure `explain` words them again
    from what was pasted and what each chain answered, so nothing new needs storing."""
    parsed = parse_txid(lookup.txid_input, registry.explorer_hosts())
    names = {f.name for f in fields(ChainAnswer)} & {f.name for f in ChainFinding._meta.concrete_fields}
    answers = [ChainAnswer(**{name: getattr(f, name) for name in names}) for f in findings_of(lookup)]
    classified = classify(parsed, answers, registry, known_addresses_for(lookup.customer))
    decision = Decision(lookup.verdict, classified.finding, classified.imitated)
    return explain(decision, parsed, answers, registry)


def lookup_found(lookup: Lookup) -> ChainFinding | None:
    found = [f for f in findings_of(lookup) if f.status == ChainFinding.Status.FOUND]
    return next((f for f in found if f.to_customer_chain), found[0] if found else None)


def cases_for(user: User, *, closed: bool = False):
    """Recovery cases an agent works on (the chats they hold); supervisors see all of them."""
    done = [S.REJECTED, S.COMPLETED_CREDITED, S.COMPLETED_REFUNDED]
    cases = RecoveryCase.objects.select_related("customer", "lookup").order_by("-updated_at")
    cases = cases.filter(status__in=done) if closed else cases.exclude(status__in=done)
    if not user.is_supervisor:
        held = Conversation.objects.filter(assignee=user).values("pk")
        cases = cases.filter(conversation_id__in=held)
    return cases


def conversation_last_staff_seq(conversation_id: int | None) -> int:
    found = Conversation.objects.filter(pk=conversation_id).values_list("last_staff_seq", flat=True).first()
    return found or 0


def case_events(case: RecoveryCase) -> list[TimelineEvent]:
    return list(
        TimelineEvent.objects.filter(ticket_id=case.ticket_id, kind__startswith="recovery.case", data__case=case.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )
