from django.contrib import admin

from pnl.models import Fill, FundingPayment, MarketSetting, Position, Rebate


@admin.register(MarketSetting)
class MarketSettingAdmin(admin.ModelAdmin):
    list_display = ["symbol", "quote_asset", "precision", "rounding", "cost_basis"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["external_id", "customer", "market", "opened_at", "closed_at", "reported_pnl", "cost_basis"]
    search_fields = ["external_id", "customer__external_id"]
    raw_id_fields = ["customer"]


@admin.register(Fill)
class FillAdmin(admin.ModelAdmin):
    """Read-only: the exchange's numbers are evidence; they change only through the API (and never silently)."""

    list_display = ["external_id", "customer", "time", "market", "side", "price", "quantity", "fee", "fee_asset"]
    search_fields = ["external_id", "order_id", "customer__external_id"]
    list_filter = ["market"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FundingPayment, Rebate)
class ReadOnlyAdmin(admin.ModelAdmin):
    search_fields = ["external_id", "customer__external_id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
