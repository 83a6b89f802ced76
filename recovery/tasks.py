"""Celery interface of recovery: takes ids, loads rows, calls the service (docs/recovery.md)."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recovery import services

log = logging.getLogger(__name__)

# Errors of our own transport (database, broker). A chain that fails is not one: it is stored as "unknown".
TRANSPORT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="recovery.lookup_transaction",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSPORT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def lookup_transaction(lookup_id: int) -> str:
    """Run one lookup. Safe to run twice: a finished lookup is left as it is."""
    lookup = services.lookup_run(lookup_id=lookup_id)
    log.info("lookup %s: %s", lookup.pk, lookup.verdict)
    return lookup.verdict
