"""Webhooks: signed JSON POSTs to a real local HTTP receiver, retried with backoff, every attempt recorded."""

import json
import time

import pytest

from helpdesk.celery import app as celery_app
from tests.conftest import require
from tests.support.servers import celery_worker
from tests.tickets.receiver import webhook_receiver
from tickets import services, webhooks
from tickets.models import TimelineEvent, WebhookAttempt, WebhookDelivery


@pytest.fixture
def eager_tasks():
    """Tasks run in-process for the quick tests; the retry timing test below uses a real worker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def ticket(customer):
    return services.ticket_create(customer=customer, subject="Withdrawal stuck")


@pytest.mark.django_db
def test_a_ticket_change_is_posted_signed(ticket, alice, eager_tasks, django_capture_on_commit_callbacks):
    with webhook_receiver() as receiver:
        endpoint = services.webhook_endpoint_create(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
        (request,) = receiver.wait_for(1)
    header = request.headers["X-Helpdesk-Signature"]
    assert webhooks.verify(endpoint.secret, request.body, header)
    assert not webhooks.verify(endpoint.secret, request.body + b" ", header)
    assert not webhooks.verify("another-secret", request.body, header)
    payload = json.loads(request.body)
    assert payload["type"] == "ticket.status" and payload["data"] == {"from": "new", "to": "pending"}
    assert payload["ticket"]["customer"] == "cust-1" and payload["ticket"]["status"] == "pending"
    assert payload["actor"] == "Alice" and request.headers["X-Helpdesk-Event"] == "ticket.status"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert request.headers["X-Helpdesk-Delivery"] == str(delivery.pk)


@pytest.mark.django_db
def test_old_signatures_are_refused_by_verify():
    body = b'{"a":1}'
    header = webhooks.sign("s3cret", body, int(time.time()) - 3600)
    assert not webhooks.verify("s3cret", body, header)
    assert webhooks.verify("s3cret", body, webhooks.sign("s3cret", body, int(time.time())))
    assert not webhooks.verify("s3cret", body, "garbage")


@pytest.mark.django_db
def test_internal_notes_never_leave(ticket, alice, eager_tasks, django_capture_on_commit_callbacks):
    with webhook_receiver() as receiver:
        services.webhook_endpoint_create(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_note_add(ticket=ticket, body="Suspected fraud", actor=alice)
            services.ticket_priority_set(ticket=ticket, priority="high", actor=alice)
        receiver.wait_for(1)
        time.sleep(0.2)
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["ticket.priority"]
    assert b"fraud" not in b"".join(r.body for r in receiver.requests)


@pytest.mark.django_db
def test_endpoints_receive_only_the_events_they_asked_for(ticket, alice, django_capture_on_commit_callbacks):
    chats_only = services.webhook_endpoint_create(url="https://exchange.example/chat", events=["chat."])
    everything = services.webhook_endpoint_create(url="https://exchange.example/all")
    with django_capture_on_commit_callbacks(execute=False):
        services.ticket_tags_set(ticket=ticket, tags=["kyc"], actor=alice)
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [everything.pk]
    assert not WebhookDelivery.objects.filter(endpoint=chats_only).exists()


@pytest.mark.django_db
def test_no_webhook_costs_only_the_insert(ticket, django_assert_num_queries):
    webhooks.endpoints_cache_clear()  # no stale ids from an earlier test's rolled-back endpoints
    webhooks.active_endpoint_ids()  # warm the cache, as any running server has
    with django_assert_num_queries(1):
        services.event_record(ticket=ticket, kind="chat.something", actor_role="system")
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt_and_keeps_every_attempt(
    ticket, alice, eager_tasks, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with webhook_receiver(answers=[500, 503, 500, 500]) as receiver:
        services.webhook_endpoint_create(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_status_set(ticket=ticket, status="solved", actor=alice)
        receiver.wait_for(3)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 503, 500]
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_an_unreachable_receiver_is_an_attempt_with_an_error(ticket, alice, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    from tests.support.servers import free_port

    services.webhook_endpoint_create(url=f"http://127.0.0.1:{free_port()}/nobody-listens")
    services.ticket_status_set(ticket=ticket, status="open", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.attempt(delivery.pk) == "failed"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and "refused" in attempt.error.lower()


def test_backoff_doubles(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert webhooks.backoff_seconds(30) == 3600


@pytest.mark.worker
def test_a_receiver_that_fails_twice_then_succeeds_through_the_real_worker(transactional_db, customer, alice):
    require("redis", "postgres")
    ticket = services.ticket_create(customer=customer, subject="Deposit not credited")
    with (
        webhook_receiver(answers=[500, 502]) as receiver,
        celery_worker(extra_env={"HELPDESK_WEBHOOK_RETRY_BASE_SECONDS": "1"}),
    ):
        endpoint = services.webhook_endpoint_create(url=receiver.url)
        services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
        requests = receiver.wait_for(3, timeout=40)
        delivery = WebhookDelivery.objects.get()
        deadline = time.monotonic() + 10
        while delivery.status == "pending" and time.monotonic() < deadline:
            time.sleep(0.1)
            delivery.refresh_from_db()
    assert len(requests) == 3
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 502), (3, 200)]
    # Exponential backoff: about 1 s, then about 2 s.
    first_gap, second_gap = requests[1].at - requests[0].at, requests[2].at - requests[1].at
    assert first_gap >= 0.9 and second_gap >= 1.9, (first_gap, second_gap)
    assert {r.headers["X-Helpdesk-Delivery"] for r in requests} == {str(delivery.pk)}
    assert all(webhooks.verify(endpoint.secret, r.body, r.headers["X-Helpdesk-Signature"]) for r in requests)
    assert TimelineEvent.objects.filter(ticket=ticket, kind="ticket.status").count() == 1


@pytest.mark.django_db
def test_an_admin_sees_attempts_and_queues_a_failed_delivery_again(
    ticket, alice, client, eager_tasks, settings, django_capture_on_commit_callbacks
):
    from accounts.models import Role
    from accounts.services import staff_upsert

    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with webhook_receiver(answers=[500]) as receiver:
        services.webhook_endpoint_create(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_status_set(ticket=ticket, status="open", actor=alice)
        receiver.wait_for(1)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "failed"
        admin = staff_upsert(email="ada@test.example", password="pw-ada-12345", role=Role.ADMIN)[0]
        client.force_login(admin)
        page = client.get(f"/admin/tickets/webhookdelivery/{delivery.pk}/change/").content.decode()
        assert "HTTP 500" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/admin/tickets/webhookdelivery/", {"action": "retry", "_selected_action": [delivery.pk]}, follow=True
            )
        receiver.wait_for(2)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 200)]


def test_the_only_periodic_tickets_task_sends_lost_deliveries_again():
    """Solving, closing or reassigning never happens by timer: the one scheduled tickets task is the delivery sweep,
    which writes no ticket (tests/chat/test_no_timer.py proves it)."""
    schedule = celery_app.conf.beat_schedule or {}
    tickets_tasks = {entry["task"] for entry in schedule.values() if entry["task"].startswith("tickets.")}
    assert tickets_tasks == {"tickets.deliveries_sweep"}


@pytest.mark.django_db
def test_a_broker_outage_never_fails_the_agents_change(ticket, alice, monkeypatch, django_capture_on_commit_callbacks):
    from tickets import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_webhook, "delay", broker_down)
    services.webhook_endpoint_create(url="https://exchange.example/hooks")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert WebhookDelivery.objects.get().status == "pending"  # kept, for an admin to queue again
