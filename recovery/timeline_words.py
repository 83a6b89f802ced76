"""How recovery's events read on a timeline, in the reader's language (tickets/timeline_words.py): lookups by the
transaction they asked about, cases by their number and status in words."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from recovery import chains as chain_registry
from recovery.chains import ChainsFileError
from recovery.models import RecoveryCase
from tickets.timeline_words import describes


def _chain_name(key: str) -> str:
    try:
        chain = chain_registry.registry().get(key)
    except ChainsFileError:
        chain = None
    return chain.name if chain else key


def short_hash(value: str) -> str:
    """A transaction hash named in a sentence: its start and end, as explorers show it."""
    return f"{value[:10]}…{value[-6:]}" if len(value) > 20 else value


# The statuses as staff read them. (The customer's card words the same status to the customer: "awaiting your
# decision"; a staff page must not speak to its reader as if they were the customer.)
STAFF_STATUS = {
    RecoveryCase.Status.SUBMITTED: pgettext_lazy("recovery case status, for staff", "Submitted"),
    RecoveryCase.Status.UNDER_REVIEW: pgettext_lazy("recovery case status, for staff", "Under review"),
    RecoveryCase.Status.AWAITING_CUSTOMER: pgettext_lazy("recovery case status, for staff", "Awaiting the customer"),
    RecoveryCase.Status.APPROVED: pgettext_lazy("recovery case status, for staff", "Approved"),
    RecoveryCase.Status.REJECTED: pgettext_lazy("recovery case status, for staff", "Rejected"),
    RecoveryCase.Status.PROCESSING: pgettext_lazy("recovery case status, for staff", "Processing"),
    RecoveryCase.Status.COMPLETED_CREDITED: pgettext_lazy("recovery case status, for staff", "Completed: credited"),
    RecoveryCase.Status.COMPLETED_REFUNDED: pgettext_lazy("recovery case status, for staff", "Completed: refunded"),
}


def status_words(status: str | None) -> str:
    return str(STAFF_STATUS.get(status, "—"))


@describes("recovery.walkthrough_started")
def _walkthrough(event, data, who):
    if event.actor_role == "customer":
        return _("%(customer)s started the wrong-network walkthrough.") % {"customer": who.customer}
    return _("%(actor)s started the wrong-network walkthrough with %(customer)s.") % {
        "actor": who.actor,
        "customer": who.customer,
    }


@describes("recovery.lookup_started")
def _lookup_started(event, data, who):
    if not data.get("txid"):
        return _("%(actor)s pasted something that is not a transaction ID; it was explained at once.") % {
            "actor": who.actor
        }
    return _("%(actor)s asked every network about the transaction %(txid)s.") % {
        "actor": who.actor,
        "txid": short_hash(data["txid"]),
    }


@describes("recovery.lookup_retried")
def _lookup_retried(event, data, who):
    return _("%(actor)s asked every network again about the transaction.") % {"actor": who.actor}


@describes("recovery.lookup_finished")
def _lookup_finished(event, data, who):
    from recovery.walkthrough_cards import RESULT_TITLES  # the verdicts' titles, as the customer's card says them

    title = RESULT_TITLES.get(data.get("verdict"))
    verdict = _(title) if title else _("no verdict")
    if data.get("chain"):
        return _("The lookup's answer: %(verdict)s (on %(network)s).") % {
            "verdict": verdict,
            "network": _chain_name(data["chain"]),
        }
    return _("The lookup's answer: %(verdict)s.") % {"verdict": verdict}


@describes("recovery.case_opened")
def _case_opened(event, data, who):
    return _("%(actor)s opened recovery case #%(case)s.") % {"actor": who.actor, "case": data.get("case")}


@describes("recovery.case_status")
def _case_status(event, data, who):
    text = _("%(actor)s moved recovery case #%(case)s from %(from)s to %(to)s.") % {
        "actor": who.actor,
        "case": data.get("case"),
        "from": status_words(data.get("from")),
        "to": status_words(data.get("to")),
    }
    if data.get("fee_quote") and data.get("to") == RecoveryCase.Status.AWAITING_CUSTOMER:
        text += " " + _("Fee told to the customer: %(fee)s.") % {"fee": data["fee_quote"]}
    if data.get("note"):
        text += " " + _("Reason: %(note)s") % {"note": _(data["note"])}  # ours (a msgid) or an agent's words
    return text
