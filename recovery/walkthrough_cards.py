"""The wrong-network walkthrough's cards (docs/cards.md): what the customer reads at each step, as card payloads
built in the active language. recovery.walkthrough decides which card comes next and posts it once per language;
nothing here writes.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from recovery import chains as chain_registry
from recovery import selectors
from recovery.demo import demo_txids
from recovery.models import Lookup, RecoveryCase, Walkthrough
from recovery.verdicts import Verdict

Step = Walkthrough.Step
NOT_SURE = "not_sure"
# Texts are marked here and translated where a card is built (recovery.walkthrough._post builds each card in the
# conversation's language for the customer and in every other language for staff). Staff pages show these titles
# in their reader's language.
RESULT_TITLES = {
    Verdict.CREDITED_NETWORK: gettext_noop("Found: a normal deposit"),
    Verdict.WRONG_NETWORK_RECOVERABLE: gettext_noop("Found: sent on another network, and recoverable"),
    Verdict.WRONG_NETWORK_UNSUPPORTED: gettext_noop("Found: sent on a network we do not support"),
    Verdict.UNSUPPORTED_TOKEN: gettext_noop("Found: a token we do not list"),
    Verdict.SENT_TO_CONTRACT: gettext_noop("Found: sent to a contract"),
    Verdict.NOT_OUR_ADDRESS: gettext_noop("Found: sent to another address"),
    Verdict.ADDRESS_POISONING: gettext_noop("Found: sent to a look-alike of your address"),
    Verdict.FAILED_TRANSACTION: gettext_noop("The transaction failed"),
    Verdict.PENDING: gettext_noop("Not final yet"),
    Verdict.NOT_FOUND: gettext_noop("Not found on any network"),
    Verdict.INCOMPLETE: gettext_noop("Some networks did not answer"),
    Verdict.NON_EVM: gettext_noop("A network we check by hand"),
    Verdict.INVALID_INPUT: gettext_noop("That is not a transaction ID"),
}
DECLINED_NOTE = gettext_noop("The customer declined the fee.")
CASE_TEXTS = {
    RecoveryCase.Status.SUBMITTED: gettext_noop("Your recovery request is registered. An agent will review it."),
    RecoveryCase.Status.UNDER_REVIEW: gettext_noop("An agent is reviewing your recovery request."),
    RecoveryCase.Status.AWAITING_CUSTOMER: gettext_noop(
        "We can recover your funds. Please read the fee and timing, then decide."
    ),
    RecoveryCase.Status.APPROVED: gettext_noop("You accepted. The recovery will start shortly."),
    RecoveryCase.Status.REJECTED: gettext_noop("This recovery will not go ahead."),
    RecoveryCase.Status.PROCESSING: gettext_noop("The recovery is in progress."),
    RecoveryCase.Status.COMPLETED_CREDITED: gettext_noop("Done: the funds are credited to your account."),
    RecoveryCase.Status.COMPLETED_REFUNDED: gettext_noop(
        "Done: the funds were sent back to the address they came from."
    ),
}


# --- Cards, one per step --------------------------------------------------------------------------------------


def _card(walkthrough: Walkthrough, title: str, blocks: list, step: str = "", **extra) -> dict:
    payload = {"type": f"recovery.{step or 'note'}", "title": title, "blocks": blocks, "walkthrough": walkthrough.pk}
    if step:
        payload["action"] = {"url": answer_url(walkthrough), "step": step, "audience": "both"}
    payload["answered_steps"] = list(walkthrough.answered_steps)
    # Whether the walkthrough still runs once this card is posted: the widget offers a new one only when it ended.
    payload["walkthrough_open"] = walkthrough.step != Step.DONE
    payload.update(extra)
    return payload


def answer_url(walkthrough: Walkthrough) -> str:
    return f"/recovery/walkthrough/{walkthrough.pk}/answer/"


def asset_card(walkthrough: Walkthrough) -> dict:
    registry = chain_registry.registry()
    symbols = []
    for chain in registry.chains:
        for symbol in [token.symbol for token in chain.tokens] + [chain.native_symbol]:
            if symbol not in symbols:
                symbols.append(symbol)
    choices = [{"value": s, "label": s} for s in symbols] + [{"value": "other", "label": _("Something else")}]
    blocks = [
        {
            "text": _(
                "Sending to the wrong network happens often, and it can often be fixed. Three quick questions, "
                "then we look your transfer up on every network we support, live, here in the chat."
            )
        },
        {"text": _("What did you send?")},
        {"choices": choices},
    ]
    return _card(walkthrough, _("Let's find your transfer"), blocks, Step.ASSET)


def chain_card(walkthrough: Walkthrough, step: str) -> dict:
    choices = [{"value": c.key, "label": c.name} for c in chain_registry.registry().chains]
    choices.append({"value": NOT_SURE, "label": _("I'm not sure")})
    if step == Step.USED_CHAIN:
        title = _("Which network did you send on?")
        text = _(
            "In your wallet or on the exchange you sent from, the transfer shows a network (for example BNB Smart "
            "Chain, BEP20, Ethereum or ERC20)."
        )
    else:
        title = _("Which network did you mean to use?")
        text = _("This is the network shown next to your deposit address on our deposit page.")
    return _card(walkthrough, title, [{"text": text}, {"choices": choices}], step)


def txid_card(walkthrough: Walkthrough) -> dict:
    blocks = [
        {
            "text": _(
                "A TXID (transaction ID, also called transaction hash) is the receipt number of a transfer on "
                "the blockchain. It usually starts with 0x followed by 64 letters and digits."
            )
        },
        {
            "text": _(
                "From a wallet (MetaMask, Trust Wallet, …): open Activity or History, tap the transfer, and copy "
                "'Transaction hash' — or tap 'View on block explorer' and copy that page's link."
            )
        },
        {"text": _("From another exchange: open Withdrawal history, find this withdrawal, and copy its 'TxID'.")},
    ]
    if settings.DEMO and (txid := demo_txids(settings.CHAINS_FILE).get("wrong_network")):
        blocks.append({"text": _("Demo: the wrong-network transfer's TXID is %(txid)s") % {"txid": txid}})
    label = _("Paste the TXID or explorer link")
    blocks.append({"input": {"name": "txid", "label": label, "placeholder": "0x…"}})
    return _card(walkthrough, _("Where to find the transaction ID"), blocks, Step.TXID)


def progress_card(walkthrough: Walkthrough, lookup: Lookup) -> dict:
    blocks = selectors.progress_blocks(lookup, chain_registry.registry())
    return _card(
        walkthrough,
        _("Looking on every network"),
        blocks,
        ref=f"lookup-{lookup.pk}",
        refresh_url=f"/recovery/lookups/{lookup.pk}/blocks/",
    )


def result_card(walkthrough: Walkthrough, lookup: Lookup, explanation: str, next_steps: str) -> dict:
    registry = chain_registry.registry()
    # The final state of every network, kept in the stored card too (the live progress card was ephemeral).
    blocks: list[dict] = selectors.progress_blocks(lookup, registry)[:1] if lookup.tx_hash else []
    blocks.append({"text": explanation})
    found = selectors.lookup_found(lookup)
    chain = registry.get(found.chain) if found else None
    if found is not None:
        amount = " ".join(part for part in (found.amount, found.asset_symbol) if part) or "—"
        rows = [
            [_("Network"), chain.name if chain else found.chain],
            [_("Amount"), amount],
            [_("Confirmations"), str(found.confirmations or 0)],
        ]
        blocks.append({"table": {"columns": ["", ""], "rows": rows}})
        if found.to_address:  # whole, to copy: a shortened address cannot be checked or pasted (docs/cards.md)
            blocks.append({"copy": {"label": _("Sent to"), "value": found.to_address}})
    if found is not None and chain is not None:
        label = _("See the transaction on the explorer")
        blocks.append({"link": {"href": chain.tx_url(lookup.tx_hash), "label": label}})
        if found.to_address:
            label = _("See the receiving address on the explorer")
            blocks.append({"link": {"href": chain.address_url(found.to_address), "label": label}})
    blocks.append({"text": _("Next: %(steps)s") % {"steps": next_steps}})
    step, choices = result_step(lookup)
    if choices:
        blocks.append({"choices": choices})
    title = _(RESULT_TITLES[lookup.verdict])
    return _card(walkthrough, title, blocks, step, verdict=lookup.verdict, lookup=lookup.pk)


def result_step(lookup: Lookup) -> tuple[str, list[dict]]:
    """The question the result card asks, if any, with its choices (in the active language)."""
    if lookup.verdict in Verdict.RECOVERABLE:
        return "case", [{"value": "open", "label": _("Open a recovery case")}, {"value": "no", "label": _("Not now")}]
    if lookup.verdict in (Verdict.INCOMPLETE, Verdict.PENDING):
        return "retry", [{"value": "again", "label": _("Check again")}]
    return "", []


def case_card(walkthrough: Walkthrough, case: RecoveryCase) -> dict:
    blocks: list[dict] = [{"text": _(CASE_TEXTS[case.status])}]
    if case.fee_quote or case.timeline_text:
        # The fee and the time are the agent's own words, shown as typed.
        rows = [[_("Fee"), case.fee_quote or "—"], [_("How long"), case.timeline_text or "—"]]
        blocks.append({"table": {"columns": ["", ""], "rows": rows}})
    if case.note and case.status == RecoveryCase.Status.REJECTED:
        # An agent's note stays as typed; our own (DECLINED_NOTE) is a msgid, so gettext words it.
        blocks.append({"text": _("Reason: %(note)s") % {"note": _(case.note)}})
    step = ""
    if case.status == RecoveryCase.Status.AWAITING_CUSTOMER:
        step = "quote"
        accept = [{"value": "accept", "label": _("Accept and recover")}, {"value": "decline", "label": _("Decline")}]
        blocks.append({"choices": accept})
    card = _card(walkthrough, case_title(case), blocks, step, case=case.pk)
    if step:
        card["action"]["audience"] = "customer"
    return card


def case_title(case: RecoveryCase) -> str:
    return _("Recovery case #%(case)s: %(status)s") % {"case": case.pk, "status": _(case.get_status_display())}


# --- The answers' echoes --------------------------------------------------------------------------------------


def answer_card(walkthrough: Walkthrough, step: str, words: str, copy: str = "") -> tuple[dict, str]:
    """The small card that echoes an answer (with the step it answers, which quiets that step's card) and its body.
    A `copy` answer (a TXID) is echoed whole, to copy."""
    block = {"copy": {"label": words, "value": copy}} if copy else {"text": words}
    card = _card(walkthrough, "", [block], type="recovery.answer")
    card["action"] = {"step": step}
    return card, f"{words}: {copy}" if copy else words


def chain_label(key: str) -> str:
    chain = chain_registry.registry().get(key)
    return chain.name if chain else _("not sure")


def asset_label(value: str) -> str:
    return _("something else") if value == "other" else value
