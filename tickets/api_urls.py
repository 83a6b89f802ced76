"""Included at /api/: the exchange API under v1/, the OpenAPI schema and its offline docs."""

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tickets import api  # importing it registers the <key:> and <symbol:> converters (tickets.api_input)


class ApiDocs(SpectacularSwaggerSplitView):
    """The docs page; OPTIONS names its methods (DRF's own answer went through the HTML renderer and failed)."""

    def options(self, request, *args, **kwargs):
        return HttpResponse(status=204, headers={"Allow": "GET, HEAD, OPTIONS"})


urlpatterns = [
    path("v1/customers/", api.CustomerUpsert.as_view(), name="api_customer_upsert"),
    path("v1/customers/<key:external_id>/", api.CustomerRead.as_view(), name="api_customer"),
    path("v1/customers/<key:external_id>/deposit-addresses/", api.DepositAddresses.as_view(), name="api_addresses"),
    path("v1/activity/", api.ActivityCreate.as_view(), name="api_activity"),
    path("v1/tickets/", api.TicketList.as_view(), name="api_tickets"),
    path("v1/tickets/<int:ticket_id>/", api.TicketDetail.as_view(), name="api_ticket"),
    path("v1/webhooks/", api.WebhookList.as_view(), name="api_webhooks"),
    path("v1/webhooks/<int:webhook_id>/", api.WebhookDetail.as_view(), name="api_webhook"),
    path("v1/webhooks/<int:webhook_id>/secret/", api.WebhookSecret.as_view(), name="api_webhook_secret"),
    path("v1/webhooks/<int:webhook_id>/deliveries/", api.WebhookDeliveries.as_view(), name="api_deliveries"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file, so the strict CSP (no inline scripts) holds.
    path("docs/", ApiDocs.as_view(url_name="api_schema", template_name="tickets/swagger_ui.html"), name="api_docs"),
]
