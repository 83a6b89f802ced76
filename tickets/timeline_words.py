"""Every timeline event as one sentence, in the reader's language (the active one).

Staff timelines (a ticket's page and sidebar), transcripts and their exports say "Amir Rahman handed the chat to
Mei Chen. Note: …", never `chat.transferred`, `under_review` or "chat 87". The timeline table lives here, on the
ground floor, but its events are written by every app: each app describes its own kinds with `describes(...)`,
registered when it loads (its AppConfig.ready), so no import runs uphill. Amounts read with their asset and at most
eight decimals (`amount`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from tickets.models import Ticket, TimelineEvent

MAX_DECIMALS = 8


@dataclass(frozen=True)
class Who:
    """The people an event is about, in words: who did it, and the customer."""

    actor: str
    customer: str


Describer = Callable[[TimelineEvent, dict, Who], str]
_DESCRIBERS: dict[str, Describer] = {}

ROLE_WORDS = {
    TimelineEvent.ActorRole.API: gettext_noop("The exchange"),
    TimelineEvent.ActorRole.SYSTEM: gettext_noop("Helpdesk"),
    TimelineEvent.ActorRole.SUPERVISOR: gettext_noop("A supervisor"),
    TimelineEvent.ActorRole.AGENT: gettext_noop("An agent"),
}


def describes(*kinds: str):
    """Register the function that words these event kinds."""

    def register(describer: Describer) -> Describer:
        for kind in kinds:
            _DESCRIBERS[kind] = describer
        return describer

    return register


def described_kinds() -> set[str]:
    return set(_DESCRIBERS)


def actor_words(event: TimelineEvent, customer_name: str = "") -> str:
    if event.actor_id:
        return event.actor.display_name
    if event.actor_role == TimelineEvent.ActorRole.CUSTOMER:
        return customer_name or _("The customer")
    return _(ROLE_WORDS.get(event.actor_role, gettext_noop("Helpdesk")))


def sentence(event: TimelineEvent, customer_name: str = "") -> str:
    """The event in one sentence, in the active language. `customer_name` names the customer (else "the
    customer"); the customer's own name is never translated."""
    who = Who(actor=actor_words(event, customer_name), customer=customer_name or _("the customer"))
    describer = _DESCRIBERS.get(event.kind)
    data = event.data or {}
    if describer is not None:
        return describer(event, data, who)
    # A kind nobody described yet still reads as words, not as a key.
    return f"{who.actor}: {event.kind.replace('.', ' ').replace('_', ' ')}."


def amount(value, asset: str = "") -> str:
    """A decimal amount as people read it: the language's decimal mark, no trailing zeros past the cents, at most
    eight decimals, and its asset: "14 USDT", "0.00012345 BTC", "1 234,50 USDT"."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return f"{value} {asset}".strip()
    exponent = number.normalize().as_tuple().exponent
    decimals = min(max(0, -exponent if isinstance(exponent, int) else 0), MAX_DECIMALS)
    if decimals == 1:
        decimals = 2  # 14.5 USDT reads as 14.50 USDT
    rounded = number.quantize(Decimal(1).scaleb(-decimals)) if decimals else number.quantize(Decimal(1))
    text = number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text} {asset}".strip()


# Quotation marks as each language writes them (a catalogue entry of punctuation alone would hold no words).
QUOTES = {"ru": "«»", "ar": "«»", "zh-hans": "“”", "fil": "“”", "bn": "“”"}


def quoted(text) -> str:
    """Someone's own words inside a sentence, as they wrote them."""
    opening, closing = QUOTES.get(get_language() or "", "“”")
    return f"{opening}{text}{closing}"


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


# --- The ticket's own events --------------------------------------------------------------------------------------


@describes("ticket.created")
def _created(event, data, who):
    return _("%(actor)s opened the ticket %(subject)s.") % {"actor": who.actor, "subject": quoted(data.get("subject"))}


@describes("ticket.status")
def _status(event, data, who):
    words = {"actor": who.actor, "to": _label(Ticket.Status, data.get("to"))}
    if not data.get("from"):
        return _("%(actor)s set the ticket's status to %(to)s.") % words
    return _("%(actor)s changed the ticket's status from %(from)s to %(to)s.") % {
        **words,
        "from": _label(Ticket.Status, data.get("from")),
    }


@describes("ticket.priority")
def _priority(event, data, who):
    return _("%(actor)s changed the ticket's priority from %(from)s to %(to)s.") % {
        "actor": who.actor,
        "from": _label(Ticket.Priority, data.get("from")),
        "to": _label(Ticket.Priority, data.get("to")),
    }


@describes("ticket.subject")
def _subject(event, data, who):
    return _("%(actor)s renamed the ticket %(subject)s.") % {"actor": who.actor, "subject": quoted(data.get("to"))}


@describes("ticket.tags")
def _tags(event, data, who):
    tags = ", ".join(data.get("to") or [])
    if not tags:
        return _("%(actor)s removed the ticket's tags.") % {"actor": who.actor}
    return _("%(actor)s tagged the ticket: %(tags)s.") % {"actor": who.actor, "tags": tags}


@describes("ticket.assigned")
def _assigned(event, data, who):
    to = data.get("to") or ""
    if to == who.actor:
        return _("%(actor)s took the ticket.") % {"actor": who.actor}
    return _("%(actor)s gave the ticket to %(to)s.") % {"actor": who.actor, "to": to}


@describes("ticket.unassigned")
def _unassigned(event, data, who):
    return _("%(actor)s let go of the ticket; nobody holds it now.") % {"actor": who.actor}


@describes("ticket.note")
def _note(event, data, who):
    return _("%(actor)s added a note to the ticket.") % {"actor": who.actor}


@describes("chat.linked")
def _linked(event, data, who):
    return _("%(actor)s moved a chat with %(customer)s here from ticket #%(ticket)s.") % {
        "actor": who.actor,
        "customer": who.customer,
        "ticket": data.get("from_ticket"),
    }


@describes("chat.unlinked")
def _unlinked(event, data, who):
    return _("%(actor)s moved a chat with %(customer)s to ticket #%(ticket)s.") % {
        "actor": who.actor,
        "customer": who.customer,
        "ticket": data.get("to_ticket"),
    }
