from django.apps import AppConfig


class PnlConfig(AppConfig):
    name = "pnl"
    verbose_name = "P&L and fee explainer"

    def ready(self) -> None:
        # How this app's timeline events read (tickets/timeline_words.py).
        from pnl import timeline_words  # noqa: F401
