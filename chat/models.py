"""Conversations and their messages.

Two numberings: `seq` counts what the customer may see (notes have none, so the customer's sequence has no
gaps), `staff_seq` counts everything staff see, notes included. With no notes the two are equal.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tickets.models import Customer, Ticket


class Conversation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("chat status", "Waiting")
        ACTIVE = "active", pgettext_lazy("chat status", "Active")
        ENDED = "ended", pgettext_lazy("chat status", "Ended")

    class QueuePriority(models.IntegerChoices):
        VIP = 0, "VIP"
        NORMAL = 1, "Normal"

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="conversations")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="conversations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conversations"
    )
    # An agent this waiting chat was offered to (an invitation only: it never assigns).
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locale = models.CharField(max_length=16, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    last_staff_seq = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=140, blank=True, help_text="The customer's latest words, for the queue.")
    # The waiting queue's order is (queue_priority, created_at, id): VIP first, then the longest waiting. Kept on the
    # row (the customer's VIP standing when the chat opened) so that a page, the counts and a customer's place in
    # line are each one indexed read (chat.selectors.queue_*), whatever the length of the queue.
    queue_priority = models.PositiveSmallIntegerField(choices=QueuePriority.choices, default=QueuePriority.NORMAL)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["-created_at"], name="chat_conversation_newest"),  # history pages
            models.Index(
                fields=["queue_priority", "created_at", "id"],
                condition=Q(status="waiting"),
                name="chat_conversation_queue",
            ),
        ]
        constraints = [
            # A customer has at most one conversation that is not ended: the widget resumes it.
            models.UniqueConstraint(
                fields=["customer"], condition=~Q(status="ended"), name="one_open_conversation_per_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        NOTE = "note", "Internal note"
        SYSTEM = "system", "System"
        CARD = "card", "Structured card"  # walkthrough steps, breakdowns: rendered by payload["type"]

    class AuthorRole(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        AGENT = "agent", "Agent"
        SYSTEM = "system", "System"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField(null=True, blank=True, help_text="Customer-visible number; null for notes.")
    staff_seq = models.PositiveIntegerField()
    client_msg_id = models.UUIDField(null=True, blank=True, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    payload = models.JSONField(null=True, blank=True)
    # A card or line the helpdesk wrote is stored as the customer reads it (body, payload), and here as it reads in
    # each other language staff may read, {lang: {"body": …, "payload": …}}: staff frames carry their reader's.
    renders = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "staff_seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "staff_seq"], name="message_staff_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "seq"], condition=Q(seq__isnull=False), name="message_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.staff_seq} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


class ReadState(models.Model):
    """The last message each side has read. `agent` null means the customer's side (customer numbering)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_states")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    last_read_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "agent"], name="read_state_unique"),
            models.UniqueConstraint(
                fields=["conversation"], condition=Q(agent__isnull=True), name="read_state_customer_unique"
            ),
        ]

    def __str__(self) -> str:
        side = f"agent {self.agent_id}" if self.agent_id else "customer"
        return f"{self.conversation_id}: {side} read to {self.last_read_seq}"


class Satisfaction(models.Model):
    """The customer's answer to "Did you feel heard?" after a chat ends. One per conversation."""

    class Answer(models.TextChoices):
        YES = "yes", pgettext_lazy("felt heard", "Yes")
        PARTLY = "partly", pgettext_lazy("felt heard", "Partly")
        NO = "no", pgettext_lazy("felt heard", "No")

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="satisfaction")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.answer}"


class Attachment(models.Model):
    """A file a customer or a staff member uploaded (chat/attachments/). What is stored is what we made of it: images
    decoded and re-encoded without metadata, PDFs checked; never the bytes as they came. Until it is sent, `message`
    is null and only its uploader may use it; once sent it belongs to that message (and its conversation).

    Files live in the "attachments" storage (STORAGES: the filesystem, or an S3-compatible bucket) under random
    names; they are only ever served through signed, expiring links (chat/attachments/links.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its message.")
    uploaded_by_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=160, help_text="The uploader's file name, cleaned, with the true extension.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(help_text="Bytes of the stored file.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=200, help_text="Name in the attachments storage.")
    thumb_name = models.CharField(max_length=200, blank=True)
    thumb_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position"]  # within a message (prefetches group by message)
        indexes = [
            models.Index(fields=["uploaded_by_customer", "created_at"], name="chat_attachment_by_customer"),
            models.Index(fields=["uploaded_by", "created_at"], name="chat_attachment_by_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.content_type}, {self.size} bytes)"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def as_frame(self) -> dict:
        """{"id","name","size","content_type","url","thumbnail_url"} with fresh signed links (docs/protocol.md)."""
        from chat.attachments.links import describe

        return describe(self)
