from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """The wiring on top of every app (docs/architecture.md): settings, URLs, ASGI routing, the Celery app, and the
    commands that span the apps (seed_demo). No models."""

    name = "helpdesk"
    verbose_name = "Helpdesk (wiring)"
