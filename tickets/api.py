"""The exchange integration API (/api/v1/). Views parse with serializers, check the key's scope, call
tickets.services and answer; reads come from the models and tickets.selectors."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import User
from tickets import extensions, services
from tickets import serializers as s
from tickets.api_auth import ApiKeyAuthentication, HasScope
from tickets.api_input import Conflict, Unprocessable, validated
from tickets.api_schema import ApiSchema
from tickets.models import (
    ApiKey,
    Customer,
    CustomerAccess,
    Ticket,
    TimelineEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from tickets.webhooks import is_public

API = TimelineEvent.ActorRole.API
API_READ = CustomerAccess.What.API
OTHER_CUSTOMERS = {"409": "It belongs to another customer; nothing was written."}
RULE = {"422": "Well-formed, but against a rule of the helpdesk (named in `detail`); nothing was written."}


class ApiView(GenericAPIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    schema = ApiSchema()

    def handle_exception(self, exc):
        # Service refusals become ordinary API errors with the service's own words: input the schema allows but
        # a rule refuses is a 422, a clash with stored data a 409 (docs/api.md).
        if isinstance(exc, services.TicketError):
            exc = {"forbidden": exceptions.PermissionDenied, "not_found": exceptions.NotFound}.get(
                exc.code, Unprocessable
            )({"detail": exc.detail})
        elif isinstance(exc, services.Conflict):
            exc = Conflict({"detail": str(exc)})
        elif isinstance(exc, ValueError):
            exc = exceptions.ValidationError({"detail": str(exc)})
        return super().handle_exception(exc)

    def valid(self, serializer_class, *, partial: bool = False) -> dict:
        return validated(serializer_class, self.request.data, partial=partial)


def staff_read(request, accesses) -> None:
    """A read through a key bound to a staff member is recorded under their name (docs/SECURITY.md); the exchange's
    own backend (an unbound key) is not a person browsing. `accesses`: a list, or a callable that makes it."""
    key = request.auth
    if isinstance(key, ApiKey) and key.staff_id is not None:
        services.customer_access_record(staff=key.staff, accesses=accesses() if callable(accesses) else accesses)


def api_read(customer: Customer, ref: str, **about) -> services.Access:
    """One API read of a customer's data, for staff_read (chat's transcript API records its reads too)."""
    return services.Access(customer.pk, API_READ, ref=ref, **about)


def _customer(external_id: str) -> Customer:
    return get_object_or_404(Customer.objects.prefetch_related("deposit_addresses"), external_id=external_id)


# --- Customers, addresses, activity -----------------------------------------------------------------


class CustomerUpsert(ApiView):
    required_scope = "customers:write"
    serializer_class = s.CustomerInSerializer

    @extend_schema(request=s.CustomerInSerializer, responses={200: s.CustomerSerializer, 201: s.CustomerSerializer})
    def post(self, request):
        """Create a customer or update what is known about them, by the exchange's user id."""
        data = self.valid(s.CustomerInSerializer)
        existed = Customer.objects.filter(external_id=data["external_id"].strip()).exists()
        customer = services.customer_upsert(**data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(s.CustomerSerializer(_customer(customer.external_id)).data, status=code)


class CustomerRead(ApiView):
    required_scope = "customers:read"
    serializer_class = s.CustomerSerializer

    def get(self, request, external_id: str):
        customer = _customer(external_id)
        staff_read(request, [api_read(customer, "customer")])
        return Response(s.CustomerSerializer(customer).data)


class DepositAddresses(ApiView):
    required_scopes = {"GET": "customers:read", "POST": "customers:write"}
    serializer_class = s.DepositAddressSerializer
    refusals = {"POST": OTHER_CUSTOMERS}
    pagination_class = None  # a customer has a handful of addresses: one plain list

    @extend_schema(responses=s.DepositAddressSerializer(many=True))
    def get(self, request, external_id: str):
        """The customer's deposit addresses: one plain list, not paginated."""
        customer = _customer(external_id)
        staff_read(request, [api_read(customer, "deposit addresses")])
        return Response(s.DepositAddressSerializer(customer.deposit_addresses.all(), many=True).data)

    @extend_schema(responses={201: s.DepositAddressSerializer})
    def post(self, request, external_id: str):
        """Add a deposit address (idempotent: the same chain, address and memo again is fine)."""
        data = self.valid(s.DepositAddressSerializer)
        customer = services.customer_upsert(external_id=external_id)
        address = services.deposit_address_upsert(customer=customer, **data)
        return Response(s.DepositAddressSerializer(address).data, status=status.HTTP_201_CREATED)


class ActivityCreate(ApiView):
    required_scope = "activity:write"
    serializer_class = s.ActivitySerializer
    refusals = {"POST": OTHER_CUSTOMERS}

    @extend_schema(responses={200: s.ActivitySerializer, 201: s.ActivitySerializer})
    def post(self, request):
        """Report a deposit or withdrawal. Idempotent by `external_id`: sending it again updates its status."""
        data = self.valid(s.ActivitySerializer)
        customer = services.customer_upsert(external_id=data.pop("customer"))
        activity, created = services.activity_upsert(customer=customer, **data)
        body = {**s.ActivitySerializer(activity).data, "customer": customer.external_id}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- Tickets ----------------------------------------------------------------------------------------


class TicketList(ApiView):
    required_scopes = {"GET": "tickets:read", "POST": "tickets:write"}
    serializer_class = s.TicketSerializer
    refusals = {"POST": RULE}

    @extend_schema(operation_id="v1_tickets_list", responses=s.TicketSerializer(many=True), parameters=[s.TicketQuery])
    def get(self, request):
        qs = (
            Ticket.objects.select_related("customer", "assignee")
            .prefetch_related("tags")
            .order_by("-updated_at", "-pk")
        )
        filters = validated(s.TicketQuery, request.query_params, query=True)
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        if filters.get("customer"):
            qs = qs.filter(customer__external_id=filters["customer"])
        if filters.get("updated_since"):
            qs = qs.filter(updated_at__gte=filters["updated_since"])
        page = self.paginate_queryset(qs)
        staff_read(request, [api_read(ticket.customer, "tickets", ticket_id=ticket.pk) for ticket in page])
        return self.get_paginated_response(s.TicketSerializer(page, many=True).data)

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def post(self, request):
        data = self.valid(s.TicketCreateSerializer)
        customer = services.customer_upsert(external_id=data["customer"])
        ticket = services.ticket_create(
            customer=customer, subject=data["subject"], priority=data["priority"], tags=data.get("tags"), actor_role=API
        )
        return Response(ticket_detail(ticket.pk), status=status.HTTP_201_CREATED)


def ticket_detail(ticket_id: int) -> dict:
    """A ticket with its public timeline (internal notes stay inside the helpdesk) and its chats."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("customer", "assignee").prefetch_related(
            "tags", Prefetch("events", queryset=TimelineEvent.objects.select_related("actor"))
        ),
        pk=ticket_id,
    )
    events = [event for event in ticket.events.all() if is_public(event.kind)]
    # The chats' ids come from the chat app (chat/ticket_part.py), through tickets.extensions.
    context = {"events": events, **extensions.ticket_api_context(ticket)}
    return s.TicketDetailSerializer(ticket, context=context).data


class TicketDetail(ApiView):
    required_scopes = {"GET": "tickets:read", "PATCH": "tickets:write"}
    serializer_class = s.TicketDetailSerializer
    refusals = {"PATCH": RULE}

    def get(self, request, ticket_id: int):
        body = ticket_detail(ticket_id)
        customer_id = Ticket.objects.filter(pk=ticket_id).values_list("customer_id", flat=True).first
        staff_read(request, lambda: [services.Access(customer_id(), API_READ, ref="ticket", ticket_id=ticket_id)])
        return Response(body)

    @extend_schema(request=s.TicketUpdateSerializer, responses={200: s.TicketDetailSerializer})
    def patch(self, request, ticket_id: int):
        """Change status, priority, tags, subject or assignee; each change lands in the timeline as the API."""
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        data = self.valid(s.TicketUpdateSerializer)
        changes = {key: data[key] for key in ("subject", "status", "priority", "tags") if key in data}
        if "assignee_email" in data:
            email = data["assignee_email"]
            changes["assignee"] = None
            if email:
                changes["assignee"] = User.objects.filter(email__iexact=email, is_active=True).first()
                if changes["assignee"] is None:
                    raise Unprocessable({"assignee_email": "no active staff member has this email"})
        services.ticket_update(ticket=ticket, actor=None, actor_role=API, **changes)
        return Response(ticket_detail(ticket.pk))


# --- Webhooks ---------------------------------------------------------------------------------------


class WebhookList(ApiView):
    required_scope = "webhooks:manage"
    serializer_class = s.WebhookSerializer
    refusals = {"POST": RULE}
    pagination_class = None  # a few endpoints at most: one plain list

    @extend_schema(operation_id="v1_webhooks_list", responses=s.WebhookSerializer(many=True))
    def get(self, request):
        return Response(s.WebhookSerializer(WebhookEndpoint.objects.order_by("pk"), many=True).data)

    @extend_schema(request=s.WebhookSerializer, responses={201: s.WebhookCreatedSerializer})
    def post(self, request):
        """Register a URL. The answer holds the signing secret: it is shown this once."""
        data = self.valid(s.WebhookSerializer)
        endpoint = services.webhook_endpoint_create(
            url=data["url"],
            events=data.get("events", []),
            description=data.get("description", ""),
            include_text=data.get("include_text", False),
        )
        return Response(s.WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetail(ApiView):
    required_scope = "webhooks:manage"
    serializer_class = s.WebhookSerializer
    refusals = {"PATCH": RULE}

    def get(self, request, webhook_id: int):
        return Response(s.WebhookSerializer(get_object_or_404(WebhookEndpoint, pk=webhook_id)).data)

    def patch(self, request, webhook_id: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_id)
        data = self.valid(s.WebhookSerializer, partial=True)
        services.webhook_endpoint_update(
            endpoint=endpoint,
            url=data.get("url"),
            events=data.get("events"),
            is_active=data.get("is_active"),
            include_text=data.get("include_text"),
        )
        return Response(s.WebhookSerializer(endpoint).data)

    def delete(self, request, webhook_id: int):
        services.webhook_endpoint_delete(endpoint=get_object_or_404(WebhookEndpoint, pk=webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecret(ApiView):
    required_scope = "webhooks:manage"
    serializer_class = s.WebhookCreatedSerializer

    @extend_schema(request=None, responses={200: s.WebhookCreatedSerializer})
    def post(self, request, webhook_id: int):
        """Replace the signing secret (after a leak); the answer shows the new one, once."""
        endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_id)
        services.webhook_endpoint_rotate_secret(endpoint=endpoint)
        return Response(s.WebhookCreatedSerializer(endpoint).data)


class WebhookDeliveries(ApiView):
    required_scope = "webhooks:manage"
    serializer_class = s.DeliverySerializer

    @extend_schema(responses=s.DeliverySerializer(many=True))
    def get(self, request, webhook_id: int):
        """The endpoint's deliveries, newest first: a page like GET /tickets/."""
        endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_id)
        qs = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.DeliverySerializer(page, many=True).data)
