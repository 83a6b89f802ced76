"""Lookups and walkthroughs are history: view only. Recovery cases move only through their services (with an audit
event), so the admin shows them read-only too; agents manage cases from the console."""

from django.contrib import admin

from recovery.models import ChainFinding, Lookup, RecoveryCase, Walkthrough


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChainFindingInline(admin.TabularInline):
    model = ChainFinding
    extra = 0
    can_delete = False
    fields = ["chain", "status", "confirmations", "to_address", "asset_symbol", "amount", "to_customer_chain", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdmin):
    list_display = ["id", "tx_hash", "input_format", "customer", "verdict", "status", "attempts", "created_at"]
    list_filter = ["verdict", "status", "input_format"]
    search_fields = ["tx_hash", "txid_input", "customer__external_id"]
    inlines = [ChainFindingInline]


@admin.register(RecoveryCase)
class RecoveryCaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "status", "fee_quote", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["customer__external_id", "lookup__tx_hash"]


@admin.register(Walkthrough)
class WalkthroughAdmin(ReadOnlyAdmin):
    list_display = ["id", "conversation_id", "customer", "step", "asset", "used_chain", "meant_chain", "created_at"]
    list_filter = ["step"]
