"""Canned replies: personal ones for everyone, shared ones written by supervisors."""

from accounts.models import User
from tickets.models import CannedReply
from tickets.services.errors import TicketError


def canned_reply_save(
    *, actor: User, title: str, body: str, shared: bool = False, reply: CannedReply | None = None
) -> CannedReply:
    """Create or edit a canned reply. Anyone keeps personal ones; shared ones are a supervisor's to write."""
    title, body = (title or "").strip()[:120], (body or "").strip()
    if not title or not body:
        raise TicketError("a canned reply needs a title and a text")
    if shared and not actor.is_supervisor:
        raise TicketError("only a supervisor can write shared replies", code="forbidden")
    if reply is not None and not canned_reply_editable(reply=reply, user=actor):
        raise TicketError("this reply is not yours to change", code="forbidden")
    reply = reply or CannedReply()
    reply.title, reply.body, reply.owner = title, body, None if shared else actor
    reply.save()
    return reply


def canned_reply_editable(*, reply: CannedReply, user: User) -> bool:
    return reply.owner_id == user.pk or (reply.is_shared and user.is_supervisor)


def canned_reply_delete(*, reply: CannedReply, actor: User) -> None:
    if not canned_reply_editable(reply=reply, user=actor):
        raise TicketError("this reply is not yours to delete", code="forbidden")
    reply.delete()
