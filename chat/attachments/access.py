"""Who may see an attachment, and so be handed links to it.

A customer sees the files of their own conversations' public messages, and their own uploads not yet sent; never a
file of an internal note, never anyone else's. Staff see the files of conversations they may view (chat.access),
and their own uploads not yet sent."""

from accounts.models import User
from chat import access as chat_access
from chat import selectors
from chat.models import Attachment
from tickets.models import Customer


def visible_to_customer(customer: Customer, attachment_id) -> Attachment | None:
    attachment = _get(attachment_id)
    if attachment is None:
        return None
    if attachment.message_id is None:
        return attachment if attachment.uploaded_by_customer_id == customer.pk else None
    message = attachment.message
    if message.conversation.customer_id != customer.pk:
        return None
    if not selectors.customer_messages(message.conversation_id).filter(pk=message.pk).exists():
        return None  # a file of an internal note
    return attachment


def visible_to_staff(user: User, attachment_id) -> Attachment | None:
    if not user.is_authenticated or not user.is_agent:
        return None
    attachment = _get(attachment_id)
    if attachment is None:
        return None
    if attachment.message_id is None:
        return attachment if attachment.uploaded_by_id == user.pk else None
    return attachment if chat_access.staff_may_view(user, attachment.conversation_id) else None


def _get(attachment_id) -> Attachment | None:
    return Attachment.objects.select_related("message__conversation").filter(pk=attachment_id).first()
