"""The ground floor: customers (as the exchange knows them), tickets, and the one timeline table every
other app writes its events to, so a transcript is read in one query."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class Customer(models.Model):
    """A customer of the exchange. `external_id` is the exchange's user id (the widget token's `sub`)."""

    external_id = models.CharField(max_length=128, unique=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)  # masked in staff views until revealed (tickets/masking.py)
    locale = models.CharField(max_length=16, blank=True)
    vip = models.CharField(max_length=32, blank=True, help_text="VIP tier as the exchange names it; blank = none.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "external_id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or f"Customer {self.external_id}"

    @property
    def is_vip(self) -> bool:
        return bool(self.vip)


class DepositAddress(models.Model):
    """Which address (and memo) belongs to which customer on which chain (a key of the chain registry)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="deposit_addresses")
    chain = models.CharField(max_length=32)
    address = models.CharField(max_length=128)
    memo = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chain", "address"]
        constraints = [models.UniqueConstraint(fields=["chain", "address", "memo"], name="deposit_address_unique")]
        indexes = [models.Index(fields=["address"])]

    def __str__(self) -> str:
        return f"{self.chain}:{self.address}"

    def save(self, *args, **kwargs):
        # EVM addresses are case-insensitive; store them lower-case so lookups are exact matches.
        if self.address.startswith("0x"):
            self.address = self.address.lower()
        super().save(*args, **kwargs)


class AccountActivity(models.Model):
    """A deposit or withdrawal as the exchange reports it, shown beside the chat."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", pgettext_lazy("account activity", "Deposit")
        WITHDRAWAL = "withdrawal", pgettext_lazy("account activity", "Withdrawal")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activity")
    external_id = models.CharField(max_length=128, unique=True, help_text="The exchange's id for this movement.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    asset = models.CharField(max_length=20)
    network = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=38, decimal_places=18)
    txid = models.CharField(max_length=128, blank=True)
    # Where a withdrawal went. Recovery compares a lost transfer's recipient with these (address poisoning).
    destination_address = models.CharField(max_length=128, blank=True)
    status = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "account activity"
        indexes = [models.Index(fields=["customer", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.asset} ({self.network})"


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("ticket status", "New")
        OPEN = "open", pgettext_lazy("ticket status", "Open")
        PENDING = "pending", pgettext_lazy("ticket status", "Pending")
        SOLVED = "solved", pgettext_lazy("ticket status", "Solved")
        CLOSED = "closed", pgettext_lazy("ticket status", "Closed")

    class Priority(models.TextChoices):
        LOW = "low", pgettext_lazy("ticket priority", "Low")
        NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
        HIGH = "high", pgettext_lazy("ticket priority", "High")
        URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["assignee", "status"]),
            # The ticket list's order: without it PostgreSQL sorts every ticket (48.7 ms at 11,001 → 0.13 ms).
            models.Index(fields=["-updated_at", "-id"], name="ticket_list_order"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class TimelineEvent(models.Model):
    """One row per change, for tickets, conversations and recovery cases alike: who, when, what.

    `conversation_id` is a plain column, not a foreign key, so this ground-floor app does not depend on chat.
    """

    class ActorRole(models.TextChoices):
        AGENT = "agent", "Agent"
        SUPERVISOR = "supervisor", "Supervisor"
        CUSTOMER = "customer", "Customer"
        SYSTEM = "system", "System"
        API = "api", "Exchange API"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=40, help_text="A stable code such as ticket.status or chat.transferred.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_role = models.CharField(max_length=12, choices=ActorRole.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"


class CustomerAccess(models.Model):
    """One staff view of a customer's data: who, what, when, and the chat or ticket of theirs behind it, if any
    (docs/SECURITY.md, "Customer data nobody browses"). Written by tickets.services.access, never edited."""

    class What(models.TextChoices):
        TICKET = "ticket", "Ticket page"
        PANEL = "panel", "Console customer panel"
        TRANSCRIPT = "transcript", "Transcript"
        EXPORT = "export", "Transcript export"
        PNL = "pnl", "P&L page"
        API = "api", "API read (staff key)"
        REVEAL = "reveal", "Contact details revealed"

    at = models.DateTimeField(default=timezone.now)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accesses")
    what = models.CharField(max_length=12, choices=What.choices)
    ref = models.CharField(max_length=80, blank=True, help_text="What exactly: a position, an export format, a key.")
    # What the view was about (plain columns: chat is a floor above).
    conversation_id = models.BigIntegerField(null=True, blank=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    # The viewer's own reason, found when the row is written: a conversation or ticket of this customer assigned to
    # them. Both null: nothing of theirs behind the view (flagged on /access-log/).
    via_conversation_id = models.BigIntegerField(null=True, blank=True)
    via_ticket_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "customer accesses"
        indexes = [
            models.Index(fields=["-at", "-id"], name="customer_access_newest"),
            models.Index(fields=["staff", "-at"], name="customer_access_by_staff"),
            models.Index(fields=["customer", "-at"], name="customer_access_by_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.what} customer {self.customer_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def explained(self) -> bool:
        return self.via_conversation_id is not None or self.via_ticket_id is not None


class CannedReply(models.Model):
    """A ready answer an agent inserts into the composer and edits before sending. `owner` null = shared."""

    title = models.CharField(max_length=120)
    body = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="canned_replies"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class ApiKey(models.Model):
    """A key for the exchange's backend: `hdk_<prefix>_<secret>`. Only a hash of the secret is stored."""

    class Scope(models.TextChoices):
        CUSTOMERS_WRITE = "customers:write", "Write customers and deposit addresses"
        CUSTOMERS_READ = "customers:read", "Read customers"
        ACTIVITY_WRITE = "activity:write", "Write deposits and withdrawals"
        TICKETS_READ = "tickets:read", "Read tickets"
        TICKETS_WRITE = "tickets:write", "Create and update tickets"
        TRANSCRIPTS_READ = "transcripts:read", "Read conversation transcripts"
        WEBHOOKS_MANAGE = "webhooks:manage", "Register webhooks and read deliveries"
        PNL_WRITE = "pnl:write", "Write fills, funding, rebates, positions and market settings (P&L explainer)"

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="A list of scope codes such as tickets:read.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A key a staff member uses (a script of theirs) rather than the exchange's backend: its reads of customer data are
    # recorded in the access log under their name, and it stops working when they are deactivated.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (hdk_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])


class WebhookEndpoint(models.Model):
    """A URL of the exchange that receives signed ticket and conversation events."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, editable=False, help_text="Signs deliveries (HMAC-SHA256).")
    events = models.JSONField(
        default=list, blank=True, help_text="Event kinds or prefixes (ticket., chat.) to send; empty = all."
    )
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    include_text = models.BooleanField(
        default=False,
        help_text="Also send the words of the agent's replies in chat.reply_waiting (off: only how many wait).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return not self.events or any(kind == e or (e.endswith(".") and kind.startswith(e)) for e in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its attempts. Written in the event's own transaction (an outbox)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("ticket status", "Pending")
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(TimelineEvent, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a pending delivery is next due; long overdue, the sweeper sends it to the workers again.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due")
        ]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.endpoint.url} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
