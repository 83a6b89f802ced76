from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        # How this app's timeline events read (tickets/timeline_words.py).
        from chat import timeline_words  # noqa: F401
