"""The only place that writes attachments: an upload (checked, rewritten, stored), and a message sent with them.

A message with attachments is stored through the ORM in one transaction (the message, then its files claimed for
it), not on the text hot path (chat.services.customer_message_store): that path is one SQL statement from the event
loop and has no room for a second table. Text-only sends keep it.
"""

import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chat import access as chat_access
from chat.attachments import files
from chat.attachments.errors import NO_SUCH, TOO_BIG, TOO_FAST, TOO_MANY_IN_ONE, TOO_MANY_WAITING, AttachmentRefused
from chat.models import Attachment, Conversation, Message
from chat.services import ChatError, Posted, numbering
from chat.services import messages as chat_messages
from common.cache import shared as cache
from tickets.models import Customer

MAX_PER_MESSAGE = 10
# Uploads not yet sent, per uploader over a day: enough for three full messages, not enough to fill a disk.
MAX_WAITING = 30


def storage():
    return storages["attachments"]


# --- upload ------------------------------------------------------------------------------------------


def attachment_upload(
    *, upload: UploadedFile, customer: Customer | None = None, staff: User | None = None, conversation_id=None
) -> Attachment:
    """Check, rewrite and store one file for its uploader; it waits, unsent, until a `send` names it."""
    _count_upload(customer, staff)
    _check_conversation(customer, staff, conversation_id)
    _check_waiting(customer, staff)
    if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise AttachmentRefused("too_large", TOO_BIG, limit=files.human_size(settings.ATTACHMENT_MAX_BYTES))
    processed = files.process(upload.read(settings.ATTACHMENT_MAX_BYTES + 1))
    attachment = Attachment(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        uploaded_by_customer=customer,
        uploaded_by=staff,
        name=files.clean_name(upload.name, processed.kind),
        content_type=processed.kind.content_type,
        size=len(processed.content),
        width=processed.width,
        height=processed.height,
        thumb_type=processed.thumbnail_type,
    )
    _save_files(attachment, processed)
    try:
        attachment.save(force_insert=True)
    except Exception:
        _delete_files(attachment)  # no row, no file: nothing is left behind that nothing points to
        raise
    return attachment


def _count_upload(customer: Customer | None, staff: User | None) -> None:
    """HELPDESK_ATTACHMENT_UPLOADS_PER_MINUTE per customer (whatever socket or tab) and per staff member, in the
    shared cache; refused uploads count too, so a flood of junk is slowed like a flood of pictures."""
    key = upload_counter_key(customer, staff)
    cache.add(key, 0, 90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 90)
        count = 1
    if count > settings.ATTACHMENT_UPLOADS_PER_MINUTE:
        raise AttachmentRefused("rate_limited", TOO_FAST)


def upload_counter_key(customer: Customer | None, staff: User | None) -> str:
    who = f"c{customer.pk}" if customer is not None else f"u{staff.pk}"
    return f"attachment-uploads:{who}:{int(time.time() // 60)}"


def _check_conversation(customer: Customer | None, staff: User | None, conversation_id) -> None:
    if staff is not None:
        if conversation_id is None or not chat_access.staff_may_view(staff, conversation_id):
            raise AttachmentRefused("not_found", "no such conversation")
    elif conversation_id is not None and not chat_access.customer_owns(customer, conversation_id):
        raise AttachmentRefused("not_found", "no such conversation")


def _check_waiting(customer: Customer | None, staff: User | None) -> None:
    mine = {"uploaded_by_customer": customer} if customer is not None else {"uploaded_by": staff}
    since = timezone.now() - timedelta(days=1)
    if Attachment.objects.filter(**mine, message__isnull=True, created_at__gte=since).count() >= MAX_WAITING:
        raise AttachmentRefused("rate_limited", TOO_MANY_WAITING)


def _save_files(attachment: Attachment, processed: files.Processed) -> None:
    """Random names in a folder per month: nothing of the uploader's name reaches the storage."""
    folder = f"{timezone.now():%Y/%m}"
    attachment.file_name = storage().save(
        f"{folder}/{attachment.pk}.{processed.kind.extension}", ContentFile(processed.content)
    )
    if processed.thumbnail is not None:
        extension = "png" if processed.thumbnail_type == "image/png" else "jpg"
        attachment.thumb_name = storage().save(
            f"{folder}/{attachment.pk}-thumb.{extension}", ContentFile(processed.thumbnail)
        )


def _delete_files(attachment: Attachment) -> None:
    for name in (attachment.file_name, attachment.thumb_name):
        if name:
            storage().delete(name)


def unsent_purge(*, older_than: timedelta) -> int:
    """Delete uploads never sent (a closed tab, a cancelled message) once they are old; their files too.
    Run by hand or from cron (`manage.py purge_unsent_attachments`): it touches no conversation."""
    stale = Attachment.objects.filter(message__isnull=True, created_at__lt=timezone.now() - older_than)
    count = 0
    for attachment in stale.iterator():
        _delete_files(attachment)
        attachment.delete()
        count += 1
    return count


# --- sending -----------------------------------------------------------------------------------------


def attachment_ids(value) -> list[uuid.UUID]:
    """The `attachments` of a send frame: 1 to 10 distinct ids, in the order given."""
    if not isinstance(value, list) or not value:
        raise ChatError("bad_frame", '"attachments" must be a list of attachment ids')
    if len(value) > MAX_PER_MESSAGE:
        raise ChatError("too_many_attachments", TOO_MANY_IN_ONE)
    try:
        ids = [uuid.UUID(item) for item in value]
    except (TypeError, ValueError, AttributeError) as exc:
        raise ChatError("not_found", NO_SUCH) from exc
    if len(set(ids)) != len(ids):
        raise ChatError("bad_frame", '"attachments" names the same attachment twice')
    return ids


def _body(body) -> str:
    """Like a text message's body, except that it may be empty: the files are the message."""
    if not isinstance(body, str):
        raise ChatError("bad_body", "body must be a string")
    body = body.replace("\x00", "").strip()
    if len(body) > settings.CHAT_MAX_BODY:
        raise ChatError("too_long", f"a message may hold at most {settings.CHAT_MAX_BODY} characters")
    return body


def customer_message_post(
    *, customer: Customer, conversation_id: int | None, client_msg_id: uuid.UUID, body, attachments, locale=""
) -> Posted:
    """A customer's message with files. With no open conversation, it opens one (as a text message would)."""
    body, ids = _body(body), attachment_ids(attachments)
    if Message.objects.filter(client_msg_id=client_msg_id).exists():
        return _retry(client_msg_id, customer=customer, conversation_id=conversation_id)
    try:
        with transaction.atomic():
            claimed = _claim(ids, uploader={"uploaded_by_customer": customer})
            if conversation_id is None:
                opened = chat_messages._open_conversation_locked(
                    customer, locale=locale, first_words=body or claimed[0].name
                )
                conversation_id = opened.pk
            message = _store(
                conversation_id,
                claimed,
                guard={"customer_id": customer.pk, "open": True},
                kind=Message.Kind.TEXT,
                author_role=Message.AuthorRole.CUSTOMER,
                author=None,
                author_name=customer.display_name,
                body=body,
                client_msg_id=client_msg_id,
            )
            if not body:  # the queue shows the customer's latest words; here they are files
                Conversation.objects.filter(pk=conversation_id).update(preview=_preview(claimed))
    except _NotStored:
        return _retry(client_msg_id, customer=customer, conversation_id=conversation_id)
    return Posted(message, created=True)


def agent_message_post(
    *, agent: User, conversation_id: int, client_msg_id: uuid.UUID, body, attachments, kind=Message.Kind.TEXT
) -> Posted:
    """A reply or an internal note with files. A note's files are staff-only, like the note."""
    if kind not in (Message.Kind.TEXT, Message.Kind.NOTE):
        raise ChatError("bad_kind", "kind must be text or note")
    if not agent.is_agent:
        raise ChatError("forbidden", "only staff may write here")
    body, ids = _body(body), attachment_ids(attachments)
    if Message.objects.filter(client_msg_id=client_msg_id).exists():
        return _retry(client_msg_id, agent=agent, conversation_id=conversation_id)
    try:
        with transaction.atomic():
            claimed = _claim(ids, uploader={"uploaded_by": agent}, conversation_id=conversation_id)
            message = _store(
                conversation_id,
                claimed,
                guard={} if kind == Message.Kind.NOTE else {"assignee_id": agent.pk, "open": True},
                kind=kind,
                author_role=Message.AuthorRole.AGENT,
                author=agent,
                author_name=agent.display_name,
                body=body,
                client_msg_id=client_msg_id,
            )
    except _NotStored:
        return _retry(client_msg_id, agent=agent, conversation_id=conversation_id)
    return Posted(message, created=True)


def _claim(ids: list[uuid.UUID], *, uploader: dict, conversation_id: int | None = None) -> list[Attachment]:
    """The uploader's own files, not yet sent, locked until the commit; in the order the frame named them.
    Staff uploads were made for one conversation and go only there."""
    found = Attachment.objects.select_for_update().filter(pk__in=ids, message__isnull=True, **uploader).order_by()
    if conversation_id is not None:
        found = found.filter(conversation_id=conversation_id)
    by_id = {attachment.pk: attachment for attachment in found}
    if len(by_id) != len(ids):
        raise ChatError("not_found", NO_SUCH)
    return [by_id[attachment_id] for attachment_id in ids]


class _NotStored(Exception):
    """The guard did not hold or the client_msg_id is taken: roll back (a conversation just opened, too), then
    find out why outside the transaction."""


def _store(conversation_id: int, claimed: list[Attachment], *, guard: dict, **fields) -> Message:
    """The message (numbered as every message is), then its files; its frames, built after the commit, carry them."""
    try:
        with transaction.atomic():  # a savepoint: a clash on client_msg_id leaves the outer transaction usable
            stored = numbering._store(conversation_id, guard=guard, **fields)
    except IntegrityError as exc:
        raise _NotStored from exc
    if stored is None:
        raise _NotStored
    message = stored[0]
    for position, attachment in enumerate(claimed):
        attachment.message = message
        attachment.conversation_id = conversation_id
        attachment.position = position
    Attachment.objects.bulk_update(claimed, ["message", "conversation", "position"])
    message.attachment_list = claimed  # read by chat.frames.message_frame when the commit broadcasts it
    return message


def _retry(client_msg_id, *, conversation_id, customer: Customer | None = None, agent: User | None = None) -> Posted:
    """A send that was not stored: the original of a retry (its ack), or the reason why not."""
    if conversation_id is None:
        found = Message.objects.filter(client_msg_id=client_msg_id).values_list("conversation_id", flat=True).first()
        conversation_id = found or 0
    return chat_messages._retry_or_refusal(
        client_msg_id, customer=customer, agent=agent, conversation_id=conversation_id
    )


def _preview(claimed: list[Attachment]) -> str:
    more = f" +{len(claimed) - 1}" if len(claimed) > 1 else ""
    return f"📎 {claimed[0].name}{more}"[:140]
