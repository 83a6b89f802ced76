"""From what the chains answered to one verdict with stable codes, in plain words (docs/recovery.md).

Pure functions: no database, no network. `classify` decides, `explain` words it in the active language (English
when stored on the lookup, the customer's when a walkthrough card shows it: selectors.lookup_words).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from recovery.chains import Registry
from recovery.poisoning import lookalike_of
from recovery.txid import Format, ParsedInput, advice_text

NON_EVM_GUESS = gettext_noop("Tron, Bitcoin or another non-EVM network")
FOUND, NOT_FOUND, UNKNOWN, MISCONFIGURED = "found", "not_found", "unknown", "misconfigured"


class Verdict:
    CREDITED_NETWORK = "credited_network"
    WRONG_NETWORK_RECOVERABLE = "wrong_network_recoverable"
    WRONG_NETWORK_UNSUPPORTED = "wrong_network_unsupported"
    UNSUPPORTED_TOKEN = "unsupported_token"
    SENT_TO_CONTRACT = "sent_to_contract"
    NOT_OUR_ADDRESS = "not_our_address"
    ADDRESS_POISONING = "address_poisoning"
    FAILED_TRANSACTION = "failed_transaction"
    PENDING = "pending"
    NOT_FOUND = "not_found"
    INCOMPLETE = "incomplete"
    NON_EVM = "non_evm"
    INVALID_INPUT = "invalid_input"

    RECOVERABLE = frozenset({WRONG_NETWORK_RECOVERABLE, UNSUPPORTED_TOKEN})


@dataclass
class ChainAnswer:
    """One chain's answer about one transaction hash."""

    chain: str
    chain_id: int
    status: str
    block_number: int | None = None
    confirmations: int | None = None
    from_address: str = ""
    to_address: str = ""
    asset_kind: str = ""
    asset_symbol: str = ""
    asset_contract: str = ""
    asset_known: bool | None = None
    amount: str = ""
    tx_success: bool | None = None
    to_is_contract: bool | None = None
    to_customer_chain: str = ""
    error: str = ""
    elapsed_ms: int = 0
    transfers: list = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    verdict: str
    finding: ChainAnswer | None  # the chain where the transaction was found, if any
    imitated: str = ""  # address_poisoning: the customer's own address the recipient imitates


@dataclass(frozen=True)
class Known:
    """The customer's own addresses (deposit addresses, earlier withdrawal destinations) and how many characters at
    each end a look-alike must share with one of them (HELPDESK_POISONING_MATCH)."""

    addresses: tuple[str, ...] = ()
    match: int = 4


def classify(parsed: ParsedInput, answers: list[ChainAnswer], registry: Registry, known: Known = Known()) -> Decision:
    if not parsed.lookable:
        non_evm = parsed.input_format in (Format.SOLANA_SIGNATURE, Format.NON_EVM_URL)
        return Decision(Verdict.NON_EVM if non_evm else Verdict.INVALID_INPUT, None)
    found = [answer for answer in answers if answer.status == FOUND]
    if found:
        answer = _best(found, parsed)
        imitated = _imitated(answer, known)
        if imitated:
            return Decision(Verdict.ADDRESS_POISONING, answer, imitated)
        return Decision(_verdict_for_found(answer, registry), answer)
    if any(answer.status in (UNKNOWN, MISCONFIGURED) for answer in answers) or not answers:
        return Decision(Verdict.INCOMPLETE, None)
    return Decision(Verdict.NON_EVM if parsed.maybe_non_evm else Verdict.NOT_FOUND, None)


def _imitated(answer: ChainAnswer, known: Known) -> str:
    """A transfer that went through (mined, not failed) to a look-alike of the customer's own address."""
    if answer.block_number is None or answer.tx_success is False or answer.to_customer_chain:
        return ""
    return lookalike_of(answer.to_address, known.addresses, known.match)


def _best(found: list[ChainAnswer], parsed: ParsedInput) -> ChainAnswer:
    """The same hash on two chains is all but impossible; prefer the one that reached the customer."""
    return sorted(found, key=lambda a: (not a.to_customer_chain, a.chain != parsed.url_chain))[0]


def _verdict_for_found(answer: ChainAnswer, registry: Registry) -> str:
    chain = registry.get(answer.chain)
    if answer.block_number is None:
        return Verdict.PENDING
    if answer.tx_success is False:
        return Verdict.FAILED_TRANSACTION
    if not answer.to_customer_chain:
        return Verdict.SENT_TO_CONTRACT if answer.to_is_contract else Verdict.NOT_OUR_ADDRESS
    if answer.asset_kind == "erc20" and not answer.asset_known:
        return Verdict.UNSUPPORTED_TOKEN
    if answer.to_customer_chain == answer.chain:
        if chain is not None and (answer.confirmations or 0) < chain.confirmations:
            return Verdict.PENDING
        return Verdict.CREDITED_NETWORK
    if chain is not None and chain.deposits:
        return Verdict.WRONG_NETWORK_RECOVERABLE
    return Verdict.WRONG_NETWORK_UNSUPPORTED


# --- Words -------------------------------------------------------------------------------------------------

TEXTS = {
    Verdict.CREDITED_NETWORK: (
        gettext_noop(
            "Your %(asset)s arrived at your deposit address on %(chain)s, the right network. This is a normal deposit."
        ),
        gettext_noop(
            "It is credited once it has %(required)s confirmations (it has %(confirmations)s). If it still does not "
            "show in your balance after that, tell us and we will check the crediting."
        ),
    ),
    Verdict.WRONG_NETWORK_RECOVERABLE: (
        gettext_noop(
            "Your %(asset)s went to your deposit address, but on %(chain)s instead of %(home)s. The address is ours on "
            "%(chain)s too, so the funds are not lost."
        ),
        gettext_noop(
            "We can open a recovery case. An agent will review it and tell you the fee and how long it takes "
            "before anything is done."
        ),
    ),
    Verdict.WRONG_NETWORK_UNSUPPORTED: (
        gettext_noop(
            "Your %(asset)s went to your deposit address on %(chain)s, a network where we do not accept deposits "
            "(your address is registered on %(home)s)."
        ),
        gettext_noop(
            "An agent will check whether these funds can be reached at all. Recovery on an unsupported network is "
            "not always possible, and we will tell you honestly either way."
        ),
    ),
    Verdict.UNSUPPORTED_TOKEN: (
        gettext_noop(
            "The transfer reached your deposit address on %(chain)s, but the token (%(asset)s) is not one we list, so "
            "it is not credited automatically."
        ),
        gettext_noop(
            "An agent can open a recovery case to review it. Some tokens cannot be recovered; you will get an "
            "answer before any fee is charged."
        ),
    ),
    Verdict.SENT_TO_CONTRACT: (
        gettext_noop(
            "The %(asset)s was sent on %(chain)s to %(to)s, which is a smart contract, not your deposit address. "
            "This often happens when a token's own contract address is pasted as the recipient."
        ),
        gettext_noop(
            "Only the contract's owner could move these funds, if the contract allows it at all. An agent will "
            "explain what can be tried."
        ),
    ),
    Verdict.NOT_OUR_ADDRESS: (
        gettext_noop(
            "The %(asset)s was sent on %(chain)s to %(to)s, which is not one of your deposit addresses with us."
        ),
        gettext_noop(
            "Check the address you sent to. If it belongs to you or someone you know, they can return it. "
            "We cannot move funds at addresses we do not control."
        ),
    ),
    Verdict.ADDRESS_POISONING: (
        gettext_noop(
            "The %(asset)s was sent on %(chain)s to %(to)s. That address is not yours: it only looks like your "
            "address %(yours)s, with the same first and last characters. This is address poisoning: someone sent "
            "a tiny transfer from a look-alike address so that it would appear in your history, hoping you would "
            "copy it from there."
        ),
        gettext_noop(
            "A blockchain transfer cannot be reversed, and we cannot move funds at an address we do not control. "
            "Next time, copy your address from the deposit page or your address book, never from your transaction "
            "history, and check every character, not only the first and last ones."
        ),
    ),
    Verdict.FAILED_TRANSACTION: (
        gettext_noop(
            "This transaction failed on %(chain)s: the network rejected it, so nothing was transferred (only the "
            "network fee was spent)."
        ),
        gettext_noop("Your funds are still in the wallet you sent from. You can try the transfer again."),
    ),
    Verdict.PENDING: (
        gettext_noop(
            "This transaction is on %(chain)s but not final yet (%(confirmations)s of %(required)s confirmations)."
        ),
        gettext_noop(
            "Wait a little: it is usually final within minutes. Check again later; nothing needs to be done now."
        ),
    ),
    Verdict.NOT_FOUND: (
        gettext_noop("None of the networks we checked (%(checked)s) knows this transaction."),
        gettext_noop(
            "Check that you copied the whole TXID. If you sent from an exchange, the withdrawal may not be "
            "broadcast yet; ask them for the TXID once it is."
        ),
    ),
    Verdict.INCOMPLETE: (
        gettext_noop(
            "We could not check every network: %(unreachable)s did not answer. "
            "The transaction was not found on the others."
        ),
        gettext_noop("Try again in a few minutes. Nothing is lost by waiting."),
    ),
    Verdict.NON_EVM: (
        gettext_noop("This looks like a transaction on a network we cannot check automatically (%(network)s)."),
        gettext_noop("An agent will look it up by hand and tell you what happened."),
    ),
    Verdict.INVALID_INPUT: (
        "%(advice)s",  # not a msgid: the advice is translated on its own (txid.advice_text)
        gettext_noop("Paste the TXID again when you have it; an agent can help you find it."),
    ),
}


def explain(decision: Decision, parsed: ParsedInput, answers: list[ChainAnswer], registry: Registry) -> tuple[str, str]:
    """(explanation, next steps) in plain words."""
    explanation, next_steps = TEXTS[decision.verdict]
    values = _values(decision, parsed, answers, registry)
    return gettext(explanation) % values, gettext(next_steps) % values


def _values(decision: Decision, parsed: ParsedInput, answers: list[ChainAnswer], registry: Registry) -> dict:
    answer = decision.finding
    chain = registry.get(answer.chain) if answer else None
    home = registry.get(answer.to_customer_chain) if answer and answer.to_customer_chain else None
    unreachable = [a.chain for a in answers if a.status in (UNKNOWN, MISCONFIGURED)]
    return {
        "asset": _asset(answer),
        "chain": chain.name if chain else (answer.chain if answer else ""),
        "home": home.name if home else gettext("another network"),
        "to": answer.to_address if answer else "",
        "yours": decision.imitated,
        "confirmations": (answer.confirmations or 0) if answer else 0,
        "required": chain.confirmations if chain else 0,
        "checked": ", ".join(c.name for c in registry.chains if c.key in {a.chain for a in answers}) or gettext("none"),
        "unreachable": ", ".join(_name(registry, key) for key in unreachable) or gettext("some networks"),
        "network": parsed.network_hint.capitalize() if parsed.network_hint else gettext(NON_EVM_GUESS),
        "advice": advice_text(parsed),
    }


def _asset(answer: ChainAnswer | None) -> str:
    if answer is None:
        return gettext("funds")
    symbol = answer.asset_symbol or (gettext("an unknown token") if answer.asset_kind == "erc20" else gettext("coins"))
    return f"{answer.amount} {symbol}".strip() if answer.amount else symbol


def _name(registry: Registry, key: str) -> str:
    chain = registry.get(key)
    return chain.name if chain else key
