"""Shapes of the P&L part of the exchange API: input validation only (the services store)."""

from rest_framework import serializers

from pnl.models import CostBasis, Fill, Rounding
from tickets.api_input import PositiveDecimal, Unprocessable

MAX_BATCH = 5000
AMOUNT = {"max_digits": 38, "decimal_places": 18}


class Symbol(serializers.CharField):
    """Market symbols are stored upper-case, as the exchange's tickers are (btcusdt == BTCUSDT)."""

    def to_internal_value(self, data):
        symbol = super().to_internal_value(data).strip().upper()
        if self.max_length is not None and len(symbol) > self.max_length:
            # "ß" is "SS" in capitals: the schema's maxLength held, the column would not. A rule, not a shape: 422.
            raise Unprocessable({"detail": f"{data!r} is longer than {self.max_length} characters in capitals"})
        return symbol


class FillIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=128, help_text="The exchange's fill (trade) id; unique.")
    time = serializers.DateTimeField(help_text="ISO 8601; UTC when no offset is given.")
    market = Symbol(max_length=40, help_text="e.g. BTCUSDT")
    side = serializers.ChoiceField(choices=Fill.Side.values)
    price = PositiveDecimal(**AMOUNT, help_text="Send as a string to keep every digit.")
    quantity = PositiveDecimal(**AMOUNT)
    fee = serializers.DecimalField(**AMOUNT, required=False, help_text="Positive = paid; negative = a maker rebate.")
    fee_asset = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="Blank = quote asset.")
    fee_rate = PositiveDecimal(
        **AMOUNT, required=False, allow_null=True, help_text="Quote asset per unit of the fee asset at fill time."
    )
    order_id = serializers.CharField(max_length=128, required=False, allow_blank=True)
    reported_pnl = serializers.DecimalField(
        **AMOUNT, required=False, allow_null=True, help_text="Your realized P&L for this fill, if you have one."
    )


class FundingIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=128)
    time = serializers.DateTimeField()
    market = Symbol(max_length=40)
    amount = serializers.DecimalField(**AMOUNT, help_text="Quote asset: positive = received, negative = paid.")


class RebateIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=128)
    time = serializers.DateTimeField()
    kind = serializers.CharField(max_length=40, help_text="rebate, reward, cashback…")
    market = Symbol(max_length=40, required=False, allow_blank=True, help_text="Blank = not tied to one market.")
    amount = serializers.DecimalField(**AMOUNT)
    asset = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="Blank = quote asset.")
    rate = serializers.DecimalField(**AMOUNT, required=False, allow_null=True, help_text="Quote asset per unit.")


class PositionIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=128)
    market = Symbol(max_length=40)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(required=False, allow_null=True)
    reported_pnl = serializers.DecimalField(
        **AMOUNT, required=False, allow_null=True, help_text="Realized P&L exactly as your P&L tab shows it."
    )
    cost_basis = serializers.ChoiceField(
        choices=CostBasis.values, required=False, allow_blank=True, help_text="Blank = the market's setting."
    )


def batch_of(name: str, item) -> type[serializers.Serializer]:
    field = item(many=True, allow_empty=False, max_length=MAX_BATCH)
    return type(f"{item.__name__[:-2]}Batch", (serializers.Serializer,), {name: field})


FillBatch = batch_of("fills", FillIn)
FundingBatch = batch_of("payments", FundingIn)
RebateBatch = batch_of("rebates", RebateIn)
PositionBatch = batch_of("positions", PositionIn)


class MarketSettingIn(serializers.Serializer):
    quote_asset = Symbol(max_length=20)
    precision = serializers.IntegerField(min_value=0, max_value=18, default=2)
    rounding = serializers.ChoiceField(choices=Rounding.values, default=Rounding.HALF_EVEN)
    cost_basis = serializers.ChoiceField(choices=CostBasis.values, default=CostBasis.FIFO)


class Conflict(serializers.Serializer):
    id = serializers.CharField()
    detail = serializers.CharField()


class ImportReportOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Sent before with the same values: nothing to do.")
    conflicts = Conflict(many=True, help_text="Rows NOT stored: the id is known with other values, or elsewhere.")
