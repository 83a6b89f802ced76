"""The Celery app. Without a broker (the demo) tasks run in-process (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="helpdesk.ping")
def ping() -> str:
    """The worker round trip /healthz asks for."""
    return "pong"
