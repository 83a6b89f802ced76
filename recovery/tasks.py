"""Celery interface of recovery: takes ids, loads rows, calls the service (docs/recovery.md).

The usual Celery circle, kept on purpose: recovery.services enqueues these tasks, and each task calls back into
recovery.services, which it imports inside its body (the import-linter contract names these imports).
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recovery.models import Lookup

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
    """Run one lookup. Safe to run twice: a finished lookup is left as it is, but its walkthrough is told again
    (a worker lost between the verdict's commit and the walkthrough's step left the customer "looking")."""
    from recovery import services

    lookup = services.lookup_run(lookup_id=lookup_id)
    if lookup.status == Lookup.Status.DONE:
        services.lookup_result_post(lookup.pk)
    log.info("lookup %s: %s", lookup.pk, lookup.verdict or lookup.status)
    return lookup.verdict


@shared_task(name="recovery.lookups_sweep", autoretry_for=TRANSPORT_ERRORS, max_retries=2)
def lookups_sweep() -> int:
    """Run by celery beat: send again the lookups whose task was lost (recovery.services.lookups_sweep)."""
    from recovery import services

    sent = services.lookups_sweep()
    if sent:
        log.warning("sent again %d lookups whose task was lost: %s", len(sent), sent)
    return len(sent)
