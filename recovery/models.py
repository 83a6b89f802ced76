"""Lookups of a transaction across chains, what each chain answered, and recovery cases.

`conversation_id` is a plain column (as on the timeline): the conversation lives in chat, one floor below.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from tickets.models import Customer


class Lookup(models.Model):
    """One request to find a transaction: one row, whatever the number of chains or attempts."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    txid_input = models.TextField(help_text="What the person pasted, as pasted (cut to 2000 characters).")
    tx_hash = models.CharField(max_length=66, blank=True, help_text="The normalised 0x hash asked of EVM chains.")
    input_format = models.CharField(max_length=32)
    url_chain = models.CharField(max_length=32, blank=True, help_text="Chain of the explorer link pasted.")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="recovery_lookups"
    )
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    expected_chain = models.CharField(max_length=32, blank=True, help_text="The chain the customer meant to use.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    verdict = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    stale_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not done by then (its task lost, its worker gone): the sweeper sends it to the workers again.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tx_hash"]),
            models.Index(fields=["stale_at"], condition=~models.Q(status="done"), name="lookup_unfinished"),
        ]

    def __str__(self) -> str:
        return f"Lookup {self.pk} {self.tx_hash or self.input_format} ({self.verdict or self.status})"


class ChainFinding(models.Model):
    """What one chain said about the lookup's transaction. Rewritten when the lookup is retried."""

    class Status(models.TextChoices):
        FOUND = "found", "Found"
        NOT_FOUND = "not_found", "Not found"
        UNKNOWN = "unknown", "Did not answer"
        MISCONFIGURED = "misconfigured", "Misconfigured"

    class AssetKind(models.TextChoices):
        NATIVE = "native", "Native coin"
        ERC20 = "erc20", "ERC-20 token"

    lookup = models.ForeignKey(Lookup, on_delete=models.CASCADE, related_name="findings")
    chain = models.CharField(max_length=32)
    chain_id = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    block_number = models.BigIntegerField(null=True, blank=True)
    confirmations = models.BigIntegerField(null=True, blank=True)
    from_address = models.CharField(max_length=42, blank=True)
    to_address = models.CharField(
        max_length=42,
        blank=True,
        help_text="Who received the asset (for a token: the Transfer's recipient, not the token contract).",
    )
    asset_kind = models.CharField(max_length=8, choices=AssetKind.choices, blank=True)
    asset_symbol = models.CharField(max_length=32, blank=True)
    asset_contract = models.CharField(max_length=42, blank=True)
    asset_known = models.BooleanField(null=True, blank=True, help_text="Is the token one the registry lists?")
    amount = models.CharField(max_length=80, blank=True, help_text="Whole units, as a decimal string.")
    tx_success = models.BooleanField(null=True, blank=True)
    to_is_contract = models.BooleanField(null=True, blank=True)
    to_customer_chain = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["lookup", "id"]
        constraints = [models.UniqueConstraint(fields=["lookup", "chain"], name="chain_finding_unique")]

    def __str__(self) -> str:
        return f"{self.chain}: {self.status}"


class RecoveryCase(models.Model):
    """A request to recover funds that reached one of our addresses on the wrong chain."""

    # Labels are marked (not translated) here: staff pages show them in English, a customer's card in the
    # conversation's language (recovery.walkthrough_cards.case_title).
    class Status(models.TextChoices):
        SUBMITTED = "submitted", gettext_noop("Submitted")
        UNDER_REVIEW = "under_review", gettext_noop("Under review")
        AWAITING_CUSTOMER = "awaiting_customer", gettext_noop("Awaiting the customer")
        APPROVED = "approved", gettext_noop("Approved")
        REJECTED = "rejected", gettext_noop("Rejected")
        PROCESSING = "processing", gettext_noop("Processing")
        COMPLETED_CREDITED = "completed_credited", gettext_noop("Completed: credited")
        COMPLETED_REFUNDED = "completed_refunded", gettext_noop("Completed: refunded")

    lookup = models.ForeignKey(Lookup, on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="recovery_cases")
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    fee_quote = models.CharField(max_length=80, blank=True, help_text="The fee as told to the customer.")
    timeline_text = models.TextField(blank=True, help_text="How long it will take, as told to the customer.")
    note = models.TextField(blank=True, help_text="The latest reason given (e.g. for a rejection).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Recovery case {self.pk} ({self.status})"

    @property
    def is_closed(self) -> bool:
        return self.status in (
            self.Status.REJECTED,
            self.Status.COMPLETED_CREDITED,
            self.Status.COMPLETED_REFUNDED,
        )


class Walkthrough(models.Model):
    """The guided wrong-chain conversation: which step is open, and what was answered so far."""

    class Step(models.TextChoices):
        ASSET = "asset", "What was sent"
        USED_CHAIN = "used_chain", "Network used"
        MEANT_CHAIN = "meant_chain", "Network meant"
        TXID = "txid", "Transaction ID"
        LOOKING = "looking", "Looking it up"
        RESULT = "result", "Result"
        CASE = "case", "Recovery case"
        DONE = "done", "Done"

    conversation_id = models.BigIntegerField(db_index=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="walkthroughs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    step = models.CharField(max_length=16, choices=Step.choices, default=Step.ASSET)
    asset = models.CharField(max_length=32, blank=True)
    used_chain = models.CharField(max_length=32, blank=True)
    meant_chain = models.CharField(max_length=32, blank=True)
    lookup = models.ForeignKey(Lookup, null=True, blank=True, on_delete=models.SET_NULL, related_name="walkthroughs")
    answered_steps = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Walkthrough {self.pk} ({self.step})"

    @property
    def is_active(self) -> bool:
        return self.step != self.Step.DONE
