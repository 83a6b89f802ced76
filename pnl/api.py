"""The P&L part of the exchange API (/api/v1/pnl/): push a customer's fills, funding payments, rebates and
positions, and set how a market counts. Every push is idempotent by the exchange's ids. Thin: validate, call
pnl.services, answer."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pnl import serializers as s
from pnl import services
from tickets import services as tickets_services
from tickets.api_auth import ApiKeyAuthentication, HasScope
from tickets.api_input import Unprocessable, validated
from tickets.api_schema import ApiSchema

IMPORT_DOC = (
    "Idempotent: rows are keyed by the exchange's `external_id`. A row sent again with the same values is counted "
    "as `unchanged`; one sent again with different values is listed in `conflicts` and NOT changed. An invalid row "
    "rejects the whole batch (400, or 422 for the same id twice in one batch) and stores nothing. The customer is "
    "created if unknown."
)


class PnlApiView(GenericAPIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    required_scope = "pnl:write"
    refusals = {
        method: {"422": "Well-formed, but against a rule (named in `detail`, with a `code`); nothing was stored."}
        for method in ("POST", "PUT")
    }
    schema = ApiSchema()  # documents the 400/401/403/404 answers too, like the rest of the API

    def handle_exception(self, exc):
        if isinstance(exc, services.PnlError):
            # The rows fit the schema but break a rule it cannot state (docs/api.md: 422).
            exc = Unprocessable({"detail": exc.detail, "code": exc.code})
        return super().handle_exception(exc)

    def valid(self, serializer_class) -> dict:
        return validated(serializer_class, self.request.data)


class _Import(PnlApiView):
    """A batch push: `batch_key` names both the request's list and the import service's keyword."""

    batch_key = ""
    importer = None  # the pnl.services function that imports this batch

    def post(self, request, external_id: str):
        rows = self.valid(self.serializer_class)[self.batch_key]
        customer = tickets_services.customer_upsert(external_id=external_id)
        report = type(self).importer(customer=customer, **{self.batch_key: rows})
        return Response(report.as_dict(), status=status.HTTP_200_OK)


class FillsPush(_Import):
    serializer_class, batch_key = s.FillBatch, "fills"
    importer = services.fills_import

    @extend_schema(request=s.FillBatch, responses=s.ImportReportOut, description=IMPORT_DOC)
    def post(self, request, external_id: str):
        """Push a customer's fills (trades)."""
        return super().post(request, external_id)


class FundingPush(_Import):
    serializer_class, batch_key = s.FundingBatch, "payments"
    importer = services.funding_import

    @extend_schema(request=s.FundingBatch, responses=s.ImportReportOut, description=IMPORT_DOC)
    def post(self, request, external_id: str):
        """Push a customer's funding payments (signed: positive received, negative paid)."""
        return super().post(request, external_id)


class RebatesPush(_Import):
    serializer_class, batch_key = s.RebateBatch, "rebates"
    importer = services.rebates_import

    @extend_schema(request=s.RebateBatch, responses=s.ImportReportOut, description=IMPORT_DOC)
    def post(self, request, external_id: str):
        """Push a customer's rebates and rewards."""
        return super().post(request, external_id)


class PositionsPush(_Import):
    serializer_class, batch_key = s.PositionBatch, "positions"
    importer = services.positions_import

    @extend_schema(
        request=s.PositionBatch,
        responses=s.ImportReportOut,
        description="Idempotent by `external_id`; unlike fills, a known position takes the new values "
        "(it closes, its reported P&L changes) and is counted as `updated`.",
    )
    def post(self, request, external_id: str):
        """Push a customer's positions with the realized P&L your P&L tab shows."""
        return super().post(request, external_id)


class MarketSettingPut(PnlApiView):
    serializer_class = s.MarketSettingIn

    @extend_schema(request=s.MarketSettingIn, responses=s.MarketSettingIn)
    def put(self, request, symbol: str):
        """How a market counts P&L: quote asset, precision, rounding and cost basis. Symbol "*" sets the
        exchange-wide default."""
        data = self.valid(s.MarketSettingIn)
        setting = services.market_setting_upsert(symbol=symbol, **data)
        return Response(s.MarketSettingIn(setting).data)
