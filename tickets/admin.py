"""The Django admin for tickets: customers, tickets, canned replies, API keys, webhooks. History (timeline
events, webhook deliveries and attempts) is read-only."""

from django import forms
from django.contrib import admin, messages

from tickets import services, webhooks
from tickets.models import (
    AccountActivity,
    ApiKey,
    CannedReply,
    Customer,
    DepositAddress,
    Tag,
    Ticket,
    TimelineEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History must not be edited: view only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DepositAddressInline(admin.TabularInline):
    model = DepositAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "email", "locale", "vip", "created_at"]
    search_fields = ["external_id", "name", "email"]
    list_filter = ["vip", "locale"]
    inlines = [DepositAddressInline]


@admin.register(DepositAddress)
class DepositAddressAdmin(admin.ModelAdmin):
    list_display = ["chain", "address", "memo", "customer", "created_at"]
    search_fields = ["address", "customer__external_id"]
    list_filter = ["chain"]
    raw_id_fields = ["customer"]


@admin.register(AccountActivity)
class AccountActivityAdmin(admin.ModelAdmin):
    list_display = ["external_id", "customer", "kind", "amount", "asset", "network", "status", "occurred_at"]
    search_fields = ["external_id", "txid", "customer__external_id"]
    list_filter = ["kind", "network", "status"]
    raw_id_fields = ["customer"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "actor_role", "conversation_id", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only here: ticket changes go through the agent pages so that every change is in the timeline."""

    list_display = ["pk", "subject", "customer", "status", "priority", "assignee", "updated_at"]
    list_filter = ["status", "priority"]
    search_fields = ["subject", "customer__external_id", "customer__name"]
    readonly_fields = ["customer", "subject", "status", "priority", "tags", "assignee", "created_at", "updated_at"]
    inlines = [TimelineInline]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "kind", "actor", "actor_role", "conversation_id"]
    list_filter = ["kind", "actor_role"]
    search_fields = ["ticket__subject", "kind"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "updated_at"]
    search_fields = ["title", "body"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scopes", "staff", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "staff", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return (
            ["name", "scopes"]
            if obj is None
            else ["name", "prefix", "scopes", "staff", "created_at", "last_used_at", "revoked_at"]
        )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            key, raw = services.api_key_create(name=obj.name, scopes=list(obj.scopes or []))
        except services.TicketError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return None
        obj.pk = key.pk
        self.message_user(request, f"API key created. Copy it now, it will not be shown again: {raw}", messages.WARNING)
        return None

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so "last used" stays visible

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(key=key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "events", "is_active", "created_at"]
    readonly_fields = ["secret", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            endpoint = services.webhook_endpoint_create(
                url=obj.url, events=obj.events or [], description=obj.description
            )
        except services.TicketError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return None
        obj.pk, obj.secret = endpoint.pk, endpoint.secret
        return None


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "status_code", "error", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "endpoint",
        "event_kind",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint"]
    inlines = [AttemptInline]
    actions = ["retry"]

    @admin.display(description="event")
    def event_kind(self, delivery):
        return delivery.event.kind

    @admin.action(description="Try the selected deliveries again (failed or stuck pending)")
    def retry(self, request, queryset):
        failed = queryset.exclude(status=WebhookDelivery.Status.DELIVERED)
        for delivery in failed:
            webhooks.delivery_retry(delivery=delivery)
        self.message_user(request, f"Queued {failed.count()} delivery(ies) again.")


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "number", "at", "status_code", "error", "duration_ms"]
