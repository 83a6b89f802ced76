"""What every part of chat's services shares: the refusal (ChatError), a send's answer (Posted), the actor roles of
the timeline, and the conversation row locked for a change (_locked)."""

from dataclasses import dataclass

from chat.models import Conversation, Message
from common.errors import Refusal
from tickets.models import TimelineEvent

Role = TimelineEvent.ActorRole


class ChatError(Refusal):
    """A refusal the client can act on; `code` goes into the error frame."""


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool  # False when a retry found the message already stored


def _locked(conversation_id: int) -> Conversation:
    try:
        return Conversation.objects.select_for_update().select_related("customer").get(pk=conversation_id)
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ChatError("not_found", "no such conversation") from exc
