"""How a timeline event reads on a page: short, with old → new."""

from django import template

register = template.Library()

LABELS = {
    "ticket.created": "created the ticket",
    "ticket.status": "changed the status",
    "ticket.priority": "changed the priority",
    "ticket.subject": "changed the subject",
    "ticket.tags": "changed the tags",
    "ticket.assigned": "assigned the ticket",
    "ticket.unassigned": "unassigned the ticket",
    "ticket.note": "added a note",
    "chat.started": "started a chat",
    "chat.accepted": "accepted the chat",
    "chat.transferred": "transferred the chat",
    "chat.ended": "ended the chat",
    "chat.linked": "linked a chat to this ticket",
    "chat.unlinked": "moved a chat to another ticket",
}


def _text(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def event_label(event) -> str:
    return LABELS.get(event.kind, event.kind.replace(".", " ").replace("_", " "))


@register.filter
def event_change(event) -> str:
    """'new → pending' for changes with a before and after; a short detail for the rest."""
    data = event.data or {}
    if event.kind == "ticket.note":
        return ""
    if "from" in data and "to" in data:
        return f"{_text(data['from'])} → {_text(data['to'])}"
    if event.kind == "chat.linked":
        return f"chat {event.conversation_id}, from ticket #{data.get('from_ticket')}"
    if event.kind == "chat.unlinked":
        return f"chat {event.conversation_id}, to ticket #{data.get('to_ticket')}"
    if event.kind == "ticket.created":
        return data.get("subject", "")
    if event.conversation_id:
        return f"chat {event.conversation_id}"
    return ""


@register.filter
def actor_name(event) -> str:
    if event.actor_id:
        return event.actor.display_name
    return {"customer": "The customer", "api": "The exchange", "system": "Helpdesk"}.get(event.actor_role, "Someone")
