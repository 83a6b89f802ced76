"""Webhook deliveries whose task was lost (a broker restarted empty, a worker gone): the sweeper sends them again
once they are overdue, and every due attempt is made once, however many tasks arrive for it."""

import datetime as dt

import pytest
import time_machine

from tests.tickets.receiver import webhook_receiver
from tickets import services, webhooks
from tickets.models import WebhookDelivery


@pytest.fixture
def sent(monkeypatch):
    """(delivery id, due time) of every task sent to the workers."""
    tasks: list[tuple[int, dt.datetime]] = []
    monkeypatch.setattr(webhooks, "_send_tasks", lambda ids, due: tasks.extend((i, due) for i in ids))
    return tasks


@pytest.fixture
def ticket(customer):
    return services.ticket_create(customer=customer, subject="Deposit not credited")


def later(seconds: float):
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


@pytest.mark.django_db(transaction=True)  # real commits: tasks are sent after them
def test_an_overdue_delivery_is_sent_again_once(ticket, alice, sent, settings):
    services.webhook_endpoint_create(url="https://exchange.example/hooks")
    services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert [i for i, _ in sent] == [delivery.pk]  # the first task (then lost)
    assert webhooks.deliveries_sweep() == []  # due, not overdue: its task may be on its way
    with later(settings.STALE_SECONDS + 1):
        assert webhooks.deliveries_sweep() == [delivery.pk]
        assert webhooks.deliveries_sweep() == []  # claimed: a second sweep sends nothing
    assert len(sent) == 2 and sent[1][1] > sent[0][1]  # the new task carries the new due time


@pytest.mark.django_db(transaction=True)
def test_delivered_and_failed_deliveries_are_never_swept(ticket, alice, sent, settings):
    services.webhook_endpoint_create(url="https://exchange.example/hooks")
    services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
    services.ticket_status_set(ticket=ticket, status="open", actor=alice)
    first, second = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=first.pk).update(status="delivered", next_attempt_at=None)
    WebhookDelivery.objects.filter(pk=second.pk).update(status="failed", next_attempt_at=None)
    with later(10 * settings.STALE_SECONDS):
        assert webhooks.deliveries_sweep() == []


@pytest.mark.django_db(transaction=True)
def test_two_tasks_for_one_due_attempt_post_once(ticket, alice, sent, settings):
    with webhook_receiver() as receiver:
        services.webhook_endpoint_create(url=receiver.url)
        services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
        (delivery_id, due), *_ = sent
        with later(settings.STALE_SECONDS + 1):
            webhooks.deliveries_sweep()  # the first task looked lost, but it was only late
        (_, new_due) = sent[1]
        # Both arrive: the old one's due time is no longer the delivery's, the sweeper's is; it posts once.
        assert webhooks.attempt(delivery_id, due) == "skipped"
        assert webhooks.attempt(delivery_id, new_due) == "delivered"
        assert webhooks.attempt(delivery_id, new_due) == "skipped"  # a redelivery of the same task
        receiver.wait_for(1)
    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("delivered", 1, None)


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_attempt_the_next_one_is_due_after_the_backoff(ticket, alice, sent, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    with webhook_receiver(answers=[500]) as receiver:
        services.webhook_endpoint_create(url=receiver.url)
        services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
        (delivery_id, due), *_ = sent
        before = dt.datetime.now(dt.UTC)
        assert webhooks.attempt(delivery_id, due) == "retry"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert before + dt.timedelta(seconds=10) <= delivery.next_attempt_at <= before + dt.timedelta(seconds=12)
    with later(10 + settings.STALE_SECONDS - 2):
        assert webhooks.deliveries_sweep() == []  # its retry is due, not overdue
    with later(10 + settings.STALE_SECONDS + 2):
        assert webhooks.deliveries_sweep() == [delivery_id]
