"""Shapes of the exchange API: input validation (then a service call) and output."""

from rest_framework import serializers

from tickets.api_input import HttpUrl
from tickets.models import AccountActivity, Customer, DepositAddress, Ticket, TimelineEvent, WebhookEndpoint
from tickets.webhooks import public_data


class CustomerInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=128, help_text="The exchange's user id.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    locale = serializers.CharField(max_length=16, required=False, allow_blank=True)
    vip = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text="VIP tier; blank = none.")


class DepositAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = DepositAddress
        fields = ["chain", "address", "memo", "created_at"]
        read_only_fields = ["created_at"]
        # Uniqueness is checked by the service (with a clearer message), not by the serializer.
        validators: list = []


class CustomerSerializer(serializers.ModelSerializer):
    deposit_addresses = DepositAddressSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "external_id",
            "name",
            "email",
            "phone",
            "locale",
            "vip",
            "created_at",
            "updated_at",
            "deposit_addresses",
        ]


class ActivitySerializer(serializers.ModelSerializer):
    customer = serializers.CharField(max_length=128, help_text="The exchange's user id (created if unknown).")
    external_id = serializers.CharField(max_length=128, help_text="The exchange's id of this movement.")

    class Meta:
        model = AccountActivity
        fields = [
            "external_id",
            "customer",
            "kind",
            "asset",
            "network",
            "amount",
            "txid",
            "destination_address",
            "status",
            "occurred_at",
        ]
        validators: list = []


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = ["id", "kind", "actor_role", "actor", "conversation_id", "data", "created_at"]

    def get_data(self, event) -> dict:
        return public_data(event)

    def get_actor(self, event) -> str | None:
        return event.actor.display_name if event.actor_id else None


class TicketSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.external_id", read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    assignee = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "subject", "status", "priority", "tags", "assignee", "customer", "created_at", "updated_at"]

    def get_assignee(self, ticket) -> dict | None:
        if ticket.assignee is None:
            return None
        return {"name": ticket.assignee.display_name, "email": ticket.assignee.email}


class TicketDetailSerializer(TicketSerializer):
    events = serializers.SerializerMethodField()
    conversations = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "conversations", "events"]

    def get_events(self, ticket) -> list[dict]:
        return EventSerializer(self.context["events"], many=True).data

    def get_conversations(self, ticket) -> list[int]:
        return self.context["conversation_ids"]


class TicketQuery(serializers.Serializer):
    """The filters of GET /api/v1/tickets/ (a bad one is a 400 naming what it takes)."""

    status = serializers.ChoiceField(
        choices=Ticket.Status.values,
        required=False,
        error_messages={"invalid_choice": f"use one of {', '.join(Ticket.Status.values)}"},
    )
    customer = serializers.CharField(max_length=128, required=False, help_text="The exchange's user id.")
    updated_since = serializers.DateTimeField(required=False, help_text="ISO 8601 date-time with its zone.")


class TicketCreateSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=128, help_text="The exchange's user id (created if unknown).")
    subject = serializers.CharField(max_length=200)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, default=Ticket.Priority.NORMAL)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class TicketUpdateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False)
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    assignee_email = serializers.EmailField(required=False, allow_null=True, help_text="null unassigns.")


class WebhookSerializer(serializers.ModelSerializer):
    # http(s) only (tickets.api_input.HTTP_URL), the host checked by the service; Django's URLValidator would also
    # refuse hosts a URI may name (https://0.a), which the schema could not say.
    url = HttpUrl(max_length=500, help_text="An http:// or https:// URL that receives the events.")
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=100,
        required=False,
        help_text="Event kinds (`ticket.status`) or prefixes ending in a dot (`ticket.`); empty means all.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "description", "include_text", "created_at"]
        read_only_fields = ["id", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: verify X-Helpdesk-Signature with it.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    kind = serializers.CharField(source="event.kind")
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
