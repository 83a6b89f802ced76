from django.urls import path

from pnl import views

urlpatterns = [
    path("pnl/customers/<int:customer_id>/", views.customer_pnl, name="pnl_customer"),
    path("pnl/customers/<int:customer_id>/breakdown.json", views.customer_breakdown_json, name="pnl_customer_json"),
    path("pnl/positions/<int:position_id>/breakdown.json", views.position_breakdown_json, name="pnl_position_json"),
    path("pnl/positions/<int:position_id>/share/", views.position_share, name="pnl_position_share"),
]
