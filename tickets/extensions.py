"""Where the apps above tickets plug into it (docs/architecture.md, "How a lower app lets a higher one react").

tickets imports no app above it. An app above that adds something to a ticket registers it here from its
AppConfig.ready(); tickets asks this module, never the other app by name. A name registered twice, or an action
name taken twice, stops the start-up: nothing degrades silently."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from tickets.models import Ticket

# The ticket page's own form actions (tickets/views.py); a part may not take these names.
OWN_ACTIONS = frozenset({"update", "note", "take"})


@dataclass(frozen=True)
class TicketPart:
    """What an app above adds to a ticket.

    - `template` and `context`: a section of the ticket page, rendered with `section` = context(ticket);
    - `actions`: the POST actions its forms send to the ticket page, name -> handler(request, ticket), which refuses
      by raising a common.errors.Refusal (shown on the page);
    - `api_context`: what the API's ticket serializer reads (tickets/serializers.py), from api_context(ticket).
    """

    name: str
    template: str = ""
    context: Callable[[Ticket], dict] | None = None
    actions: Mapping[str, Callable[[HttpRequest, Ticket], None]] = field(default_factory=dict)
    api_context: Callable[[Ticket], dict] | None = None


_parts: dict[str, TicketPart] = {}


def ticket_part_register(part: TicketPart) -> None:
    if part.name in _parts:
        raise ImproperlyConfigured(f"a ticket part named {part.name!r} is registered twice")
    taken = OWN_ACTIONS.union(*(other.actions for other in _parts.values()))
    if clash := taken & set(part.actions):
        raise ImproperlyConfigured(f"the ticket part {part.name!r} takes actions already taken: {sorted(clash)}")
    _parts[part.name] = part


def ticket_parts() -> list[TicketPart]:
    return list(_parts.values())


def ticket_sections(ticket: Ticket) -> list[tuple[str, dict]]:
    """(template, section) for each part that shows on the ticket page, in registration order."""
    return [(part.template, part.context(ticket) if part.context else {}) for part in _parts.values() if part.template]


def ticket_action(name: str) -> Callable[[HttpRequest, Ticket], None] | None:
    for part in _parts.values():
        if name in part.actions:
            return part.actions[name]
    return None


def ticket_api_context(ticket: Ticket) -> dict:
    context: dict = {}
    for part in _parts.values():
        if part.api_context:
            context.update(part.api_context(ticket))
    return context


# The table of the customers' chats (columns id, customer_id, assignee_id), which the access log reads to explain a
# view by the viewer's chat with the customer (tickets/services/access.py). chat registers its own at start-up.
_customer_chats_table: str | None = None


def customer_chats_register(table: str) -> None:
    global _customer_chats_table
    if _customer_chats_table not in (None, table):
        raise ImproperlyConfigured("two apps registered the table of the customers' chats")
    _customer_chats_table = table


def customer_chats_table() -> str:
    if _customer_chats_table is None:
        raise ImproperlyConfigured("no app registered the table of the customers' chats (chat does, in its ready())")
    return _customer_chats_table
