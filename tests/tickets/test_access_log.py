"""Customer data nobody browses (docs/SECURITY.md): every staff view of a customer's data is recorded with who, what,
when and the chat or ticket of theirs behind it; a failing write never fails the page; one statement per view."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from chat import services as chat_services
from tests.pnl.test_share import seed_position
from tickets import services
from tickets.models import CustomerAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(customer, alice):
    """The customer's chat, accepted by alice (its ticket is hers too)."""
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="my deposit is missing"
    )
    return chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)


def only_row() -> CustomerAccess:
    rows = list(CustomerAccess.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def views_of(client, user, url: str) -> CustomerAccess:
    CustomerAccess.objects.all().delete()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return only_row()


@pytest.mark.parametrize(
    ("what", "url"),
    [
        ("ticket", "/tickets/{ticket}/"),
        ("panel", "/tickets/{ticket}/sidebar/?conversation={conversation}"),
        ("transcript", "/history/{conversation}/"),
        ("export", "/history/{conversation}/export.json"),
        ("export", "/history/{conversation}/export.csv"),
        ("pnl", "/pnl/customers/{customer}/"),
        ("pnl", "/pnl/customers/{customer}/breakdown.json"),
        ("pnl", "/pnl/positions/{position}/breakdown.json"),
    ],
)
def test_every_staff_view_is_recorded_with_what_was_behind_it(client, chat, customer, alice, bob, sofia, what, url):
    position = seed_position(customer)
    url = url.format(ticket=chat.ticket_id, conversation=chat.pk, customer=customer.pk, position=position.pk)
    mine = views_of(client, alice, url)
    assert (mine.staff, mine.customer, mine.what) == (alice, customer, what)
    assert mine.via_conversation_id == chat.pk and mine.via_ticket_id == chat.ticket_id and mine.explained
    supervisor = views_of(client, sofia, url)  # a supervisor may look, and it is recorded like anyone's
    assert supervisor.staff == sofia and not supervisor.explained
    if what in ("transcript", "export"):
        return  # an agent sees only their own chats' transcripts: bob gets a 404 there, and nothing is recorded
    browsing = views_of(client, bob, url)
    assert browsing.staff == bob and not browsing.explained
    assert (browsing.via_conversation_id, browsing.via_ticket_id) == (None, None)


def test_the_panel_records_the_chat_it_was_opened_for(client, chat, alice):
    row = views_of(client, alice, f"/tickets/{chat.ticket_id}/sidebar/?conversation={chat.pk}")
    assert (row.conversation_id, row.ticket_id) == (chat.pk, chat.ticket_id)
    row = views_of(client, alice, f"/tickets/{chat.ticket_id}/sidebar/?conversation=nonsense")
    assert row.conversation_id is None and row.explained


def test_the_chat_the_view_is_about_explains_it_before_any_other(customer, alice):
    older = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="first"
    ).message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=older)
    chat_services.conversation_end(conversation_id=older, agent=alice)
    newer = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="again"
    ).message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=newer)
    for about, expected in ((older, older), (newer, newer), (None, newer)):
        CustomerAccess.objects.all().delete()
        services.customer_access(staff=alice, customer_id=customer.pk, what="panel", conversation_id=about)
        assert only_row().via_conversation_id == expected


def test_a_ticket_of_theirs_explains_a_view_without_a_chat(customer, bob):
    ticket = services.ticket_create(customer=customer, subject="KYC", actor_role="agent")
    services.ticket_assignee_set(ticket=ticket, assignee=bob, actor=bob)
    services.customer_access(staff=bob, customer_id=customer.pk, what="ticket", ticket_id=ticket.pk)
    row = only_row()
    assert (row.via_conversation_id, row.via_ticket_id) == (None, ticket.pk)


@pytest.mark.django_db(transaction=True)
def test_one_view_is_one_statement(customer, alice):
    """The console opens the panel constantly: the row and its explanation cost one round trip."""
    with CaptureQueriesContext(connection) as queries:
        services.customer_access(staff=alice, customer_id=customer.pk, what="panel", ticket_id=1)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT INTO")
    assert only_row().what == "panel"


def test_a_failing_write_still_serves_the_page(client, chat, alice, caplog):
    """The log's table is made unwritable for this transaction (a real refused INSERT): the page is served, the
    failure is logged, and the request's other work is intact."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {CustomerAccess._meta.db_table} ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
    client.force_login(alice)
    for url in (f"/tickets/{chat.ticket_id}/", f"/tickets/{chat.ticket_id}/sidebar/", f"/history/{chat.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.post(f"/tickets/{chat.ticket_id}/sidebar/", {"status": "pending"})
    assert response.status_code == 200
    chat.ticket.refresh_from_db()
    assert chat.ticket.status == "pending"  # the change before the failed log write was kept
    assert "the access log could not record" in caplog.text
    assert CustomerAccess.objects.count() == 0


def test_reads_with_a_staff_bound_key_are_recorded_and_the_exchanges_own_key_is_not(chat, customer, alice, bob):
    scopes = ["customers:read", "tickets:read", "transcripts:read"]
    _, exchange_raw = services.api_key_create(name="exchange backend", scopes=scopes)
    _, bobs_raw = services.api_key_create(name="bob's script", scopes=scopes, staff=bob)
    paths = [
        ("customer", f"/api/v1/customers/{customer.external_id}/"),
        ("deposit addresses", f"/api/v1/customers/{customer.external_id}/deposit-addresses/"),
        ("tickets", "/api/v1/tickets/"),
        ("ticket", f"/api/v1/tickets/{chat.ticket_id}/"),
        ("transcript", f"/api/v1/conversations/{chat.pk}/transcript/"),
    ]
    for raw, recorded in ((exchange_raw, False), (bobs_raw, True)):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for ref, path in paths:
            CustomerAccess.objects.all().delete()
            assert api.get(path).status_code == 200, path
            rows = list(CustomerAccess.objects.all())
            if not recorded:
                assert rows == [], path
                continue
            assert [(r.staff, r.customer, r.what, r.ref) for r in rows] == [(bob, customer, "api", ref)], path
            assert not rows[0].explained  # bob holds no chat or ticket of this customer


def test_a_key_bound_to_someone_who_left_stops_working(bob):
    _, raw = services.api_key_create(name="bob's script", scopes=["customers:read"], staff=bob)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/customers/nobody/").status_code == 404
    bob.is_active = False
    bob.save()
    assert api.get("/api/v1/customers/nobody/").status_code == 401


def test_createapikey_binds_a_key_to_a_staff_member(bob):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "createapikey", "bob's script", "--scope", "customers:read", "--staff", bob.email, stdout=out, stderr=err
    )
    assert services.api_key_verify(out.getvalue().strip()).staff == bob
    with pytest.raises(Exception, match="no staff member"):
        call_command("createapikey", "x", "--scope", "customers:read", "--staff", "nobody@x.example", stdout=out)
