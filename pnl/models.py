"""What the exchange tells us about a customer's trading, as it told us: fills, funding, rebates, positions
with the P&L the exchange itself reported, and how each market counts and rounds. Every id is the exchange's,
unique, so an import sent twice stores nothing twice."""

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from tickets.models import Customer

AMOUNT = {"max_digits": 38, "decimal_places": 18}


class CostBasis(models.TextChoices):
    FIFO = "fifo", "FIFO (first in, first out)"
    AVERAGE = "average", "Average cost"


class Rounding(models.TextChoices):
    HALF_EVEN = ROUND_HALF_EVEN, "Half to even (banker's)"
    HALF_UP = ROUND_HALF_UP, "Half up"
    DOWN = ROUND_DOWN, "Toward zero (truncate)"


class MarketSetting(models.Model):
    """How the exchange counts one market. The row with symbol "*" is the exchange-wide default."""

    DEFAULT_SYMBOL = "*"

    symbol = models.CharField(max_length=40, unique=True)
    quote_asset = models.CharField(max_length=20, blank=True, help_text='Blank only on the "*" default row.')
    precision = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(18)])
    rounding = models.CharField(max_length=20, choices=Rounding.choices, default=Rounding.HALF_EVEN)
    cost_basis = models.CharField(max_length=10, choices=CostBasis.choices, default=CostBasis.FIFO)

    class Meta:
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol


class Fill(models.Model):
    class Side(models.TextChoices):
        BUY = "buy", "Buy"
        SELL = "sell", "Sell"

    external_id = models.CharField(max_length=128, unique=True, help_text="The exchange's fill (trade) id.")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="fills")
    time = models.DateTimeField()
    market = models.CharField(max_length=40)
    side = models.CharField(max_length=4, choices=Side.choices)
    price = models.DecimalField(**AMOUNT)
    quantity = models.DecimalField(**AMOUNT)
    fee = models.DecimalField(**AMOUNT, default=0, help_text="Positive = paid; negative = rebated on the fill.")
    fee_asset = models.CharField(max_length=20, blank=True, help_text="Blank = the market's quote asset.")
    fee_rate = models.DecimalField(
        **AMOUNT, null=True, blank=True, help_text="Quote asset per unit of the fee asset at fill time."
    )
    order_id = models.CharField(max_length=128, blank=True)
    reported_pnl = models.DecimalField(
        **AMOUNT, null=True, blank=True, help_text="The exchange's realized P&L for this fill, if it sends one."
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["time", "external_id"]
        indexes = [models.Index(fields=["customer", "market", "time"])]

    def __str__(self) -> str:
        return f"{self.side} {self.quantity} {self.market} @ {self.price}"


class FundingPayment(models.Model):
    external_id = models.CharField(max_length=128, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="funding_payments")
    time = models.DateTimeField()
    market = models.CharField(max_length=40)
    amount = models.DecimalField(**AMOUNT, help_text="In the quote asset: positive = received, negative = paid.")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["time", "external_id"]
        indexes = [models.Index(fields=["customer", "market", "time"])]

    def __str__(self) -> str:
        return f"funding {self.amount} {self.market}"


class Rebate(models.Model):
    """A rebate or reward. `market` blank = not tied to one market (it then counts only in account views)."""

    external_id = models.CharField(max_length=128, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="rebates")
    time = models.DateTimeField()
    kind = models.CharField(max_length=40, help_text="As the exchange names it: rebate, reward, cashback...")
    market = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(**AMOUNT)
    asset = models.CharField(max_length=20, blank=True, help_text="Blank = the market's quote asset.")
    rate = models.DecimalField(**AMOUNT, null=True, blank=True, help_text="Quote asset per unit of `asset`.")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["time", "external_id"]
        indexes = [models.Index(fields=["customer", "market", "time"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.asset}"


class Position(models.Model):
    """A position as the exchange shows it, with the realized P&L it reported. Updated as it closes."""

    external_id = models.CharField(max_length=128, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="positions")
    market = models.CharField(max_length=40)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reported_pnl = models.DecimalField(
        **AMOUNT, null=True, blank=True, help_text="Realized P&L as the exchange's P&L tab shows it."
    )
    cost_basis = models.CharField(
        max_length=10, choices=CostBasis.choices, blank=True, help_text="Blank = the market's setting."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["customer", "-opened_at"])]

    def __str__(self) -> str:
        return f"{self.market} position {self.external_id}"
