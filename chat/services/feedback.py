"""What a side tells back without writing a message: how far it has read (read_mark, only ever forward) and, once
the chat has ended, the customer's answer to "Did you feel heard?" (satisfaction_record)."""

from django.conf import settings
from django.db import transaction

from accounts.models import User
from chat import broadcast, screening
from chat.models import Conversation, ReadState, Satisfaction
from chat.services.messages import secret_warning_post
from chat.services.shared import ChatError, Role, _locked
from tickets import services as tickets_services
from tickets.models import Customer


def read_mark(*, conversation: Conversation, seq: int, agent: User | None = None) -> int:
    """Remember the last message a side has read; it only moves forward. Returns the stored value."""
    limit = conversation.last_staff_seq if agent else conversation.last_seq
    seq = max(0, min(int(seq), limit))
    state, _ = ReadState.objects.get_or_create(conversation=conversation, agent=agent)
    if seq > state.last_read_seq:
        ReadState.objects.filter(pk=state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        state.last_read_seq = seq
        transaction.on_commit(lambda: broadcast.read_changed(conversation.pk, seq, by_customer=agent is None))
    return state.last_read_seq


def satisfaction_record(*, customer: Customer, conversation_id: int, answer: str, comment: str = "") -> Satisfaction:
    """Store the customer's "Did you feel heard?" answer; answering again replaces the first answer."""
    if answer not in Satisfaction.Answer.values:
        raise ChatError("bad_answer", "answer yes, partly or no")
    screened = screening.customer_text((comment or "").strip()[: settings.CHAT_MAX_BODY])
    comment = screened.body
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.customer_id != customer.pk:
            raise ChatError("not_found", "no such conversation")
        if conversation.is_open:
            raise ChatError("still_open", "the question comes when the chat has ended")
        rating, _ = Satisfaction.objects.update_or_create(
            conversation=conversation, defaults={"answer": answer, "comment": comment}
        )
        tickets_services.event_record(
            ticket=conversation.ticket,
            kind="chat.satisfaction",
            actor_role=Role.CUSTOMER,
            conversation_id=conversation.pk,
            data={"answer": answer, "comment": comment},
        )
        if screened.kinds:
            secret_warning_post(conversation_id=conversation.pk, kinds=screened.kinds)
    return rating
