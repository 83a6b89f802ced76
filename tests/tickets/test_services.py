"""Ticket services: every change writes exactly one timeline event with who, when and old → new."""

import pytest

from tickets import services
from tickets.models import ApiKey, TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer):
    return services.ticket_create(customer=customer, subject="Deposit missing", actor_role="customer")


def events(ticket, kind=None):
    qs = TimelineEvent.objects.filter(ticket=ticket).exclude(kind="ticket.created")
    return list(qs.filter(kind=kind) if kind else qs)


def test_status_change_writes_one_event_with_old_and_new(ticket, alice):
    services.ticket_status_set(ticket=ticket, status="pending", actor=alice)
    (event,) = events(ticket)
    assert (event.kind, event.actor, event.actor_role) == ("ticket.status", alice, "agent")
    assert event.data == {"from": "new", "to": "pending"}
    assert event.created_at is not None


def test_setting_the_same_value_writes_nothing(ticket, alice):
    services.ticket_priority_set(ticket=ticket, priority=ticket.priority, actor=alice)
    services.ticket_tags_set(ticket=ticket, tags=[], actor=alice)
    assert events(ticket) == []


def test_bad_status_is_refused_and_changes_nothing(ticket, alice):
    with pytest.raises(services.TicketError, match="status must be one of"):
        services.ticket_status_set(ticket=ticket, status="done", actor=alice)
    ticket.refresh_from_db()
    assert ticket.status == "new" and events(ticket) == []


def test_tags_are_slugs_and_the_event_lists_what_changed(ticket, alice):
    services.ticket_tags_set(ticket=ticket, tags=["Wrong chain", "usdt"], actor=alice)
    services.ticket_tags_set(ticket=ticket, tags=["usdt", "vip"], actor=alice)
    first, second = events(ticket, "ticket.tags")
    assert first.data["to"] == ["usdt", "wrong-chain"]
    assert second.data == {
        "from": ["usdt", "wrong-chain"],
        "to": ["usdt", "vip"],
        "added": ["vip"],
        "removed": ["wrong-chain"],
    }
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["usdt", "vip"]


def test_an_agent_takes_and_releases_a_ticket(ticket, alice):
    services.ticket_assignee_set(ticket=ticket, assignee=alice, actor=alice)
    services.ticket_assignee_set(ticket=ticket, assignee=None, actor=alice)
    taken, released = events(ticket)
    assert taken.kind == "ticket.assigned" and taken.data["to"] == "Alice" and taken.data["from"] is None
    assert released.kind == "ticket.unassigned" and released.data["from_id"] == alice.pk


def test_an_agent_cannot_hand_a_ticket_to_someone_else(ticket, alice, bob):
    with pytest.raises(services.TicketError) as caught:
        services.ticket_assignee_set(ticket=ticket, assignee=bob, actor=alice)
    assert caught.value.code == "forbidden"
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_supervisor_hands_a_ticket_over(ticket, alice, bob, sofia):
    services.ticket_assignee_set(ticket=ticket, assignee=alice, actor=alice)
    services.ticket_assignee_set(ticket=ticket, assignee=bob, actor=sofia)
    event = events(ticket)[-1]
    assert (event.actor_role, event.data["from"], event.data["to"]) == ("supervisor", "Alice", "Bob")


def test_only_a_supervisor_reopens_a_closed_ticket(ticket, alice, sofia):
    services.ticket_status_set(ticket=ticket, status="closed", actor=alice)
    with pytest.raises(services.TicketError, match="supervisor"):
        services.ticket_status_set(ticket=ticket, status="open", actor=alice)
    services.ticket_status_set(ticket=ticket, status="open", actor=sofia)
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_note_is_an_event_with_its_text(ticket, alice):
    services.ticket_note_add(ticket=ticket, body="  Customer sent a screenshot by email. ", actor=alice)
    (note,) = events(ticket)
    assert note.kind == "ticket.note" and note.data == {"body": "Customer sent a screenshot by email."}
    with pytest.raises(services.TicketError):
        services.ticket_note_add(ticket=ticket, body="   ", actor=alice)


def test_ticket_update_is_all_or_nothing(ticket, alice):
    with pytest.raises(services.TicketError):
        services.ticket_update(ticket=ticket, actor=alice, status="pending", priority="whenever")
    ticket.refresh_from_db()
    assert ticket.status == "new" and events(ticket) == []
    services.ticket_update(ticket=ticket, actor=alice, status="pending", priority="urgent", tags=["kyc"])
    assert [e.kind for e in events(ticket)] == ["ticket.status", "ticket.priority", "ticket.tags"]


def test_activity_is_idempotent_by_the_exchange_id(customer):
    from django.utils import timezone

    common = {
        "customer": customer,
        "external_id": "dep-1",
        "kind": "deposit",
        "asset": "usdt",
        "network": "bsc",
        "amount": "125.5",
        "occurred_at": timezone.now(),
    }
    first, created = services.activity_upsert(status="pending", **common)
    again, created_again = services.activity_upsert(status="completed", txid="0xabc", **common)
    assert created and not created_again and first.pk == again.pk
    again.refresh_from_db()
    assert (again.status, again.asset, again.txid) == ("completed", "USDT", "0xabc")
    with pytest.raises(ValueError, match="not a number"):
        services.activity_upsert(status="x", **{**common, "external_id": "dep-2", "amount": "lots"})


def test_api_key_secret_is_never_stored_and_revocation_works():
    key, raw = services.api_key_create(name="Exchange backend", scopes=["tickets:read"])
    assert raw.startswith(f"hdk_{key.prefix}_")
    secret = raw.split("_", 2)[2]
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert services.api_key_verify(raw) == key
    assert services.api_key_verify(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    services.api_key_revoke(key=key)
    assert services.api_key_verify(raw) is None


def test_unknown_scope_is_refused():
    with pytest.raises(services.TicketError, match="unknown scope"):
        services.api_key_create(name="x", scopes=["everything"])


def test_canned_replies_personal_and_shared(alice, sofia):
    mine = services.canned_reply_save(actor=alice, title="Greeting", body="Hello! Let me check.")
    assert mine.owner == alice
    with pytest.raises(services.TicketError):
        services.canned_reply_save(actor=alice, title="Shared", body="x", shared=True)
    shared = services.canned_reply_save(actor=sofia, title="Wrong chain", body="Please send the TXID.", shared=True)
    assert shared.is_shared
    with pytest.raises(services.TicketError):
        services.canned_reply_delete(reply=shared, actor=alice)
