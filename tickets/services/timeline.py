"""The one timeline table: every change of a ticket, a chat or a recovery case is one row, handed to the
exchange's webhooks after the commit."""

from accounts.models import User
from tickets import webhooks
from tickets.models import Ticket, TimelineEvent


def actor_role_of(user: User | None) -> str:
    if user is None:
        return TimelineEvent.ActorRole.SYSTEM
    return TimelineEvent.ActorRole.SUPERVISOR if user.is_supervisor else TimelineEvent.ActorRole.AGENT


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    actor_role: str | None = None,
    conversation_id: int | None = None,
    data: dict | None = None,
    webhook_text: dict | None = None,
) -> TimelineEvent:
    """Append one row to the timeline and queue its webhook deliveries for after the commit.

    Callers run inside their own transaction; with no webhook registered this costs one cached lookup.
    `webhook_text` goes only to endpoints that opted in to message text (tickets.webhooks.deliveries_create).
    """
    event = TimelineEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_role=actor_role or actor_role_of(actor),
        conversation_id=conversation_id,
        data=data or {},
    )
    webhooks.deliveries_create(event=event, text=webhook_text)
    return event
