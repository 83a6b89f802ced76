"""Celery tasks of the tickets app: thin, they take ids and call tickets.webhooks."""

from celery import shared_task

from tickets import webhooks


@shared_task(bind=True, acks_late=True, max_retries=None, name="tickets.deliver_webhook")
def deliver_webhook(self, delivery_id: int) -> str:
    outcome = webhooks.attempt(delivery_id)
    if outcome == "retry":
        attempts = webhooks.WebhookDelivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
        raise self.retry(countdown=webhooks.backoff_seconds(attempts))
    return outcome
