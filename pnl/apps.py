from django.apps import AppConfig


class PnlConfig(AppConfig):
    name = "pnl"
    verbose_name = "P&L and fee explainer"
