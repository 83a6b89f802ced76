"""The ground floor: customers (as the exchange knows them), tickets, and the one timeline table every
other app writes its events to, so a transcript is read in one query."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Customer(models.Model):
    """A customer of the exchange. `external_id` is the exchange's user id (the widget token's `sub`)."""

    external_id = models.CharField(max_length=128, unique=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
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
        DEPOSIT = "deposit", "Deposit"
        WITHDRAWAL = "withdrawal", "Withdrawal"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activity")
    external_id = models.CharField(max_length=128, unique=True, help_text="The exchange's id for this movement.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    asset = models.CharField(max_length=20)
    network = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=38, decimal_places=18)
    txid = models.CharField(max_length=128, blank=True)
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
        NEW = "new", "New"
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        SOLVED = "solved", "Solved"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

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
        indexes = [models.Index(fields=["assignee", "status"])]

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
