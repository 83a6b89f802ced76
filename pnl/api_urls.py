"""Included at /api/v1/pnl/."""

from django.urls import path

from pnl import api  # importing it registers the <key:> and <symbol:> converters (tickets.api_input)

urlpatterns = [
    path("customers/<key:external_id>/fills/", api.FillsPush.as_view(), name="api_pnl_fills"),
    path("customers/<key:external_id>/funding/", api.FundingPush.as_view(), name="api_pnl_funding"),
    path("customers/<key:external_id>/rebates/", api.RebatesPush.as_view(), name="api_pnl_rebates"),
    path("customers/<key:external_id>/positions/", api.PositionsPush.as_view(), name="api_pnl_positions"),
    path("markets/<symbol:symbol>/", api.MarketSettingPut.as_view(), name="api_pnl_market"),
]
