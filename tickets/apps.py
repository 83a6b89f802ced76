from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets and customers"

    def ready(self) -> None:
        # Connects the signal that forgets the cached webhook endpoints when one changes.
        from tickets import timeline_words, webhooks  # noqa: F401
