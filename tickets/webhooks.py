"""Webhooks to the exchange: which events go out, how they are signed, and one delivery attempt.

Deliveries are written in the same transaction as their timeline event (an outbox), and the Celery task is
sent only after the commit, so an event that rolled back is never announced and one that committed is never
lost. The signature is `X-Helpdesk-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (docs/api.md).
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from common.cache import shared as cache
from tickets import tasks
from tickets.models import TimelineEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "X-Helpdesk-Signature"
TIMEOUT_SECONDS = 10
CLAIM_SECONDS = 6 * TIMEOUT_SECONDS  # an attempt's claim: far longer than one POST may take
# Internal notes never leave the helpdesk: neither note events nor the staff-only words inside other events
# (a transfer's hand-off note, a supervisor's reason).
PRIVATE_KINDS = ("ticket.note", "chat.note")
PRIVATE_DATA_KEYS = frozenset({"note", "body", "reason", "internal"})


def _cache_key() -> str:
    return f"tickets:webhooks:active:{settings.DATABASES['default']['NAME']}"


def active_endpoint_ids() -> list[int]:
    """Ids of active endpoints, cached: the common case (no webhook at all) costs no database query."""
    ids = cache.get(_cache_key())
    if ids is None:
        ids = list(WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True))
        cache.set(_cache_key(), ids, 300)
    return ids


def endpoints_cache_clear() -> None:
    cache.delete(_cache_key())


@receiver(post_save, sender=WebhookEndpoint)
@receiver(post_delete, sender=WebhookEndpoint)
def _forget_endpoints(**kwargs) -> None:
    # Now (this transaction sees the change) and after the commit (other processes do, too).
    endpoints_cache_clear()
    transaction.on_commit(endpoints_cache_clear)


def is_public(kind: str) -> bool:
    return kind not in PRIVATE_KINDS and not kind.endswith(".note")


def public_data(event: TimelineEvent) -> dict:
    return {key: value for key, value in (event.data or {}).items() if key not in PRIVATE_DATA_KEYS}


def payload_of(event: TimelineEvent) -> dict:
    ticket = event.ticket
    return {
        "id": event.pk,
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "actor_role": event.actor_role,
        "actor": event.actor.display_name if event.actor_id else None,
        "conversation_id": event.conversation_id,
        "data": public_data(event),
        "ticket": {
            "id": ticket.pk,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "tags": sorted(ticket.tags.values_list("name", flat=True)),
            "customer": ticket.customer.external_id,
        },
    }


def deliveries_create(*, event: TimelineEvent, text: dict | None = None) -> list[WebhookDelivery]:
    """Queue this event for every endpoint that wants it; the tasks are sent after the commit.

    `text`: words of the conversation (agents' replies) added to `data` only for endpoints that opted in
    (`include_text`); they are not part of the event, so the timeline and the API never show them."""
    if not is_public(event.kind) or not (ids := active_endpoint_ids()):
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(pk__in=ids, is_active=True) if e.wants(event.kind)]
    if not endpoints:
        return []
    payload = payload_of(event)
    with_text = {**payload, "data": {**payload["data"], **text}} if text else payload
    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=e, event=event, payload=with_text if e.include_text else payload, next_attempt_at=now
        )
        for e in endpoints
    ]
    ids_to_send = [d.pk for d in deliveries]
    # robust: a broker outage must not fail the agent's change; the deliveries stay pending, due, and the sweeper
    # (deliveries_sweep) sends them once they are overdue. An admin can also queue them again.
    transaction.on_commit(lambda: _send_tasks(ids_to_send, now), robust=True)
    return deliveries


def _send_tasks(delivery_ids: list[int], due: datetime) -> None:
    """One task per delivery, carrying the due time it is sent for: that attempt is made once (_claim_attempt)."""
    for delivery_id in delivery_ids:
        tasks.deliver_webhook.delay(delivery_id, due.isoformat())


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (also used by our tests): check the HMAC and refuse old timestamps (replays)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), f"t={timestamp},v1={parts.get('v1', '')}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET elsewhere; treat it as a failed attempt instead.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _claim_attempt(delivery_id: int, due: datetime | None) -> tuple[WebhookDelivery, int] | None:
    """Claim the attempt this task was sent for (a conditional UPDATE on its due time): a task delivered twice, or
    sent again by the sweeper while the first still waits in the queue, makes one attempt, not two. The claim moves
    the due time past the longest a POST may take. (A task without a due time, from before they had one: any due.)"""
    now = timezone.now()
    pending = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
    pending = pending.filter(next_attempt_at=due) if due else pending.filter(next_attempt_at__lte=now)
    claimed = pending.update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    # Numbered across rounds: an admin's "retry" starts a new round but keeps the earlier log.
    return delivery, WebhookAttempt.objects.filter(delivery=delivery).count() + 1


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an http(s) URL validated on registration
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "helpdesk-webhooks/1",
            "X-Helpdesk-Event": delivery.event.kind,
            "X-Helpdesk-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, body, int(time.time())),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def attempt(delivery_id: int, due: datetime | None = None) -> str:
    """One POST of one delivery, recorded. Returns 'delivered', 'retry', 'failed' or 'skipped'."""
    claimed = _claim_attempt(delivery_id, due)
    if claimed is None:
        return "skipped"
    delivery, number = claimed
    started = time.monotonic()
    status_code, error = _post(delivery)
    ok = status_code is not None and 200 <= status_code < 300
    if not ok and not error:
        error = f"HTTP {status_code}"
    duration_ms = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery, number=number, status_code=status_code, error=error, duration_ms=duration_ms
    )
    gave_up = not ok and delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    outcome = "delivered" if ok else ("failed" if gave_up else "retry")
    fields = {"last_status_code": status_code, "last_error": error, "next_attempt_at": None}
    if ok:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now())
    elif gave_up:
        fields.update(status=WebhookDelivery.Status.FAILED)
    else:  # the task sends itself again with this countdown; if that is lost, the sweeper sends it
        fields.update(next_attempt_at=timezone.now() + timedelta(seconds=backoff_seconds(delivery.attempts)))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome


def backoff_seconds(attempt_number: int) -> float:
    """Exponential: base, 2·base, 4·base, … capped at an hour."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt_number - 1), 3600)


def delivery_retry(*, delivery: WebhookDelivery) -> None:
    """An admin asks for a failed (or stuck pending) delivery to be tried again."""
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=WebhookDelivery.Status.DELIVERED).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=now
    )
    transaction.on_commit(lambda: _send_tasks([delivery.pk], now), robust=True)


def deliveries_sweep() -> list[int]:
    """Send again every pending delivery overdue by STALE_SECONDS (its task lost with the broker or a worker).

    Each is claimed with a conditional UPDATE on the due time it was seen with: its new due time is now, so it is
    still due for the task, and not overdue again for another STALE_SECONDS. Touches nothing but deliveries."""
    now = timezone.now()
    overdue = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now - timedelta(seconds=settings.STALE_SECONDS)
    )
    sent = []
    for delivery_id, seen in overdue.values_list("pk", "next_attempt_at")[:500]:
        if WebhookDelivery.objects.filter(pk=delivery_id, status="pending", next_attempt_at=seen).update(
            next_attempt_at=now
        ):
            _send_tasks([delivery_id], now)
            sent.append(delivery_id)
    return sent
