"""Included at /api/v1/pnl/."""

from django.urls import path

from pnl import api

urlpatterns = [
    path("customers/<str:external_id>/fills/", api.FillsPush.as_view(), name="api_pnl_fills"),
    path("customers/<str:external_id>/funding/", api.FundingPush.as_view(), name="api_pnl_funding"),
    path("customers/<str:external_id>/rebates/", api.RebatesPush.as_view(), name="api_pnl_rebates"),
    path("customers/<str:external_id>/positions/", api.PositionsPush.as_view(), name="api_pnl_positions"),
    path("markets/<str:symbol>/", api.MarketSettingPut.as_view(), name="api_pnl_market"),
]
