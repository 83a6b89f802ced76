"""Who holds a conversation, and its end: accept (a conditional UPDATE: exactly one agent wins), a hand-off with a
note, a supervisor's reassignment, the end, and a move to another ticket of the same customer. Only ever because a
person asked: nothing here runs on a timer (docs/chat.md).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from chat import broadcast, cards
from chat.models import Conversation, Message
from chat.services.messages import system_message_post
from chat.services.numbering import _append
from chat.services.shared import ChatError, Role, _locked
from tickets import services as tickets_services
from tickets.models import Customer, Ticket

# The words around the note a hand-off or a reassign carries, in each staff reader's language (cards.staff_line).
HANDED = gettext_noop("Hand-off note for %(name)s: %(note)s")
REASSIGNED = gettext_noop("Reassigned to %(name)s by a supervisor: %(note)s")


def conversation_accept(*, agent: User, conversation_id: int) -> Conversation:
    """Claim a waiting conversation. Two agents at once: exactly one wins (a conditional UPDATE)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            pk=conversation_id, status=Conversation.Status.WAITING, assignee__isnull=True
        ).update(status=Conversation.Status.ACTIVE, assignee=agent, accepted_at=now, offered_to=None)
        if claimed != 1:
            conversation = Conversation.objects.filter(pk=conversation_id).first()
            if conversation is None:
                raise ChatError("not_found", "no such conversation")
            if conversation.assignee_id == agent.pk:
                return conversation  # a retried accept
            raise ChatError("already_taken", "another agent has already accepted this conversation")
        conversation = Conversation.objects.select_related("customer", "assignee").get(pk=conversation_id)
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.accepted",
            actor=agent,
            conversation_id=conversation.pk,
            data={"agent": agent.display_name, "agent_id": agent.pk},
        )
        tickets_services.ticket_assign_if_unassigned(ticket=conversation.ticket, agent=agent)
        name = agent.display_name
        system_message_post(conversation_id=conversation.pk, **cards.posted(conversation, lambda: cards.joined(name)))
        _after_assignment_change(conversation)
    return conversation


def conversation_transfer(*, agent: User, conversation_id: int, to_agent_id: int, note: str) -> Conversation:
    """A voluntary hand-off, always with a note; the receiving agent sees the note and the whole history."""
    note = (note or "").strip()
    if not note:
        raise ChatError("note_required", "say a few words to the next agent about where things stand")
    target = _receiving_agent(to_agent_id)
    with transaction.atomic():
        conversation = _locked_open(conversation_id)
        if conversation.assignee_id != agent.pk:
            raise ChatError("not_assignee", "only the agent holding the chat can hand it off")
        if target.pk == agent.pk:
            raise ChatError("bad_target", "this chat is already yours")
        _reassign_locked(conversation, to=target, by=agent, kind="chat.transferred", note=note)
    return conversation


def conversation_reassign(
    *, supervisor: User, conversation_id: int, to_agent_id: int, reason: str = ""
) -> Conversation:
    """A supervisor moves a chat by hand. Recorded with who, when and why."""
    if not supervisor.is_supervisor:
        raise ChatError("forbidden", "only supervisors may reassign a chat")
    target = _receiving_agent(to_agent_id)
    with transaction.atomic():
        conversation = _locked_open(conversation_id)
        _reassign_locked(conversation, to=target, by=supervisor, kind="chat.reassigned", note=reason.strip())
    return conversation


def _receiving_agent(to_agent_id: int) -> User:
    target = User.objects.filter(pk=to_agent_id, is_active=True).first()
    if target is None or not target.is_agent:
        raise ChatError("bad_target", "no such agent")
    return target


def _locked_open(conversation_id: int) -> Conversation:
    conversation = _locked(conversation_id)
    if not conversation.is_open:
        raise ChatError("conversation_ended", "this conversation has ended")
    return conversation


def _reassign_locked(conversation: Conversation, *, to: User, by: User, kind: str, note: str) -> None:
    previous = conversation.assignee
    conversation.assignee = to
    conversation.status = Conversation.Status.ACTIVE
    conversation.accepted_at = conversation.accepted_at or timezone.now()
    conversation.offered_to = None
    conversation.save(update_fields=["assignee", "status", "accepted_at", "offered_to"])
    tickets_services.event_record(
        ticket=conversation.ticket,
        kind=kind,
        actor=by,
        conversation_id=conversation.pk,
        data={
            "from_agent": previous.display_name if previous else None,
            "from_agent_id": previous.pk if previous else None,
            "to_agent": to.display_name,
            "to_agent_id": to.pk,
            "note": note,
        },
    )
    tickets_services.ticket_follow_chat(ticket=conversation.ticket, previous=previous, to=to, actor=by)
    if note:
        words = {"name": to.display_name, "note": note}
        handed = kind == "chat.transferred"
        _append(
            conversation,
            kind=Message.Kind.NOTE,
            author_role=Message.AuthorRole.AGENT,
            author=by,
            author_name=by.display_name,
            **cards.staff_line(lambda: (_(HANDED) if handed else _(REASSIGNED)) % words),
        )
    _append(
        conversation,
        kind=Message.Kind.SYSTEM,
        author_role=Message.AuthorRole.SYSTEM,
        author=None,
        author_name="Helpdesk",
        **cards.posted(conversation, lambda: cards.joined(to.display_name)),
    )
    previous_id = previous.pk if previous else None
    transaction.on_commit(lambda: broadcast.assignment_changed(conversation.pk, previous_id))


def _after_assignment_change(conversation: Conversation) -> None:
    conversation_id = conversation.pk
    transaction.on_commit(lambda: broadcast.assignment_changed(conversation_id, None))


def conversation_end(
    *, conversation_id: int, agent: User | None = None, customer: Customer | None = None
) -> Conversation:
    """Only the conversation's agent (or a supervisor) or its customer ends it."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if customer is not None and conversation.customer_id != customer.pk:
            raise ChatError("not_found", "no such conversation")
        if agent is not None and conversation.assignee_id != agent.pk and not agent.is_supervisor:
            raise ChatError("not_assignee", "only the agent holding the chat can end it")
        if not conversation.is_open:
            return conversation
        by_role = Role.CUSTOMER if customer is not None else tickets_services.actor_role_of(agent)
        conversation.status = Conversation.Status.ENDED
        conversation.ended_at = timezone.now()
        conversation.ended_by = by_role
        conversation.save(update_fields=["status", "ended_at", "ended_by"])
        who = customer.display_name if customer is not None else agent.display_name
        _append(
            conversation,
            kind=Message.Kind.SYSTEM,
            author_role=Message.AuthorRole.SYSTEM,
            author=None,
            author_name="Helpdesk",
            **cards.posted(conversation, lambda: cards.ended(who, by_role)),
        )
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.ended",
            actor=agent,
            actor_role=by_role,
            conversation_id=conversation.pk,
        )
        _append(
            conversation,
            kind=Message.Kind.CARD,
            author_role=Message.AuthorRole.SYSTEM,
            author=None,
            author_name="Helpdesk",
            **cards.posted(conversation, lambda: cards.survey(conversation)),
        )
        was_waiting_queue = conversation.assignee_id is None
        transaction.on_commit(lambda: broadcast.conversation_changed(conversation.pk))
        if was_waiting_queue:
            transaction.on_commit(broadcast.queue_changed)
            transaction.on_commit(broadcast.waiting_changed)
    return conversation


def conversation_ticket_move(*, conversation_id: int, ticket: Ticket, actor: User | None) -> Conversation:
    """Move a chat to another ticket of the same customer; both tickets' timelines say so, and the staff watching
    the chat are told its ticket (the console's sidebar follows)."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.customer_id != ticket.customer_id:
            raise ChatError("forbidden", "a chat can only be linked to a ticket of the same customer")
        old_ticket_id = conversation.ticket_id
        if old_ticket_id == ticket.pk:
            return conversation
        conversation.ticket = ticket
        conversation.save(update_fields=["ticket"])
        tickets_services.ticket_conversation_moved(
            conversation_id=conversation_id, from_ticket_id=old_ticket_id, to_ticket=ticket, actor=actor
        )
        transaction.on_commit(lambda: broadcast.conversation_changed(conversation_id))
    return conversation
