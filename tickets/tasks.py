"""Celery tasks of the tickets app: thin, they take ids and call tickets.webhooks.

The usual Celery circle, kept on purpose: tickets.webhooks enqueues these tasks, and each task calls back into
tickets.webhooks, which it imports inside its body (the import-linter contract names these imports).
"""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None, name="tickets.deliver_webhook")
def deliver_webhook(self, delivery_id: int, due: str | None = None) -> str:
    """One attempt of one delivery, the one due at `due`; after a failure, the next one, when it is due."""
    from tickets import webhooks

    outcome = webhooks.attempt(delivery_id, datetime.fromisoformat(due) if due else None)
    if outcome == "retry":
        next_due = webhooks.WebhookDelivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery_id)
        countdown = max(0.0, (next_due - timezone.now()).total_seconds())
        raise self.retry(args=[delivery_id, next_due.isoformat()], countdown=countdown)
    return outcome


@shared_task(name="tickets.deliveries_sweep")
def deliveries_sweep() -> int:
    """Run by celery beat: send again the webhook deliveries whose task was lost (tickets.webhooks)."""
    from tickets import webhooks

    sent = webhooks.deliveries_sweep()
    if sent:
        log.warning("sent again %d webhook deliveries whose task was lost: %s", len(sent), sent)
    return len(sent)
