"""A ticket's chats, where tickets shows them: a section of the ticket page (with the form that links another chat
of the customer) and the ids in the API's ticket. Registered into tickets.extensions by ChatConfig.ready()."""

from django.http import HttpRequest

from chat import links, selectors, services
from common.inputs import id_from_text
from tickets.extensions import TicketPart
from tickets.models import Ticket
from tickets.services import TicketError


def section(ticket: Ticket) -> dict:
    conversations = selectors.conversations_of_ticket(ticket)
    for conversation in conversations:
        conversation.url = links.conversation_page_url(conversation.pk)
    return {"conversations": conversations, "linkable": selectors.other_conversations_of_customer(ticket)}


def link(request: HttpRequest, ticket: Ticket) -> None:
    """The ticket page's "Link to this ticket": the chosen chat of the same customer moves to this ticket."""
    conversation_id = id_from_text(request.POST.get("conversation", ""))
    if conversation_id is None:
        raise TicketError("choose a chat to link")  # the ticket page's own form refusal
    services.conversation_ticket_move(conversation_id=conversation_id, ticket=ticket, actor=request.user)


def api_context(ticket: Ticket) -> dict:
    return {"conversation_ids": selectors.conversation_ids_of_ticket(ticket)}


PART = TicketPart(
    name="chat",
    template="chat/_ticket_chats.html",
    context=section,
    actions={"link": link},
    api_context=api_context,
)
