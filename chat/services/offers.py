"""Offers: a waiting chat shown to one agent as meant for them. An offer never assigns; anyone may still accept.
Apart from assignment so that opening a conversation (chat.services.messages) can offer it."""

from django.conf import settings

from chat import broadcast, selectors
from chat.models import Conversation


def offer_to(*, conversation_id: int, agent_id: int) -> bool:
    """Mark a waiting chat as offered to one agent. An offer never assigns; anyone may still accept."""
    updated = Conversation.objects.filter(
        pk=conversation_id, status=Conversation.Status.WAITING, assignee__isnull=True
    ).update(offered_to_id=agent_id)
    return updated == 1


def offer_least_loaded(conversation_id: int) -> int | None:
    """Invite the least-loaded online agent under capacity to a new waiting chat (HELPDESK_AUTO_OFFER).

    Informational only: the chat stays in the queue for everyone and is never assigned by this.
    """
    if not settings.CHAT_AUTO_OFFER:
        return None
    agent_id = selectors.least_loaded_online_agent_id()
    if agent_id is None or not offer_to(conversation_id=conversation_id, agent_id=agent_id):
        return None
    broadcast.offered(conversation_id, agent_id)
    return agent_id
