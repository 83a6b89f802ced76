"""/access-log/: supervisors see who opened which customer's data, filter it, read the per-day summary of views with
nothing of the viewer's behind them, and download it as CSV. Agents get a 404."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services as chat_services
from tickets import services
from tickets.models import CustomerAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(customer, other_customer, alice, bob):
    """alice opens her own chat's customer; bob opens two customers he has nothing to do with, one yesterday."""
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hi"
    )
    chat = chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)
    services.customer_access(staff=alice, customer_id=customer.pk, what="panel", conversation_id=chat.pk)
    services.customer_access(staff=bob, customer_id=customer.pk, what="ticket", ticket_id=chat.ticket_id)
    services.customer_access(staff=bob, customer_id=customer.pk, what="panel")
    services.customer_access(staff=bob, customer_id=other_customer.pk, what="pnl", ref="page")
    yesterday = timezone.now() - timedelta(days=1)
    services.customer_access(staff=bob, customer_id=other_customer.pk, what="reveal")
    CustomerAccess.objects.filter(what="reveal").update(at=yesterday)
    return chat


def test_agents_get_a_404_and_strangers_sign_in(client_as, client, alice, log):
    assert client.get("/access-log/").status_code == 302
    assert client_as(alice).get("/access-log/").status_code == 404
    assert client.get("/access-log/?format=csv").status_code == 404


def test_supervisors_see_every_view_with_the_unexplained_ones_flagged(client_as, sofia, log):
    page = client_as(sofia).get("/access-log/").content.decode()
    assert page.count('class="unexplained"') == 4 and page.count('class="explained"') == 1
    assert "nothing of theirs" in page and f"#{log.pk}" in page
    assert "opened 2 customers they never chatted with today" in page  # bob, today
    assert "opened 1 customer they never chatted with on" in page  # bob, yesterday


def test_filters_by_staff_customer_dates_and_only_unexplained(client_as, sofia, alice, bob, other_customer, log):
    client = client_as(sofia)

    def rows(query: str) -> int:
        return client.get(f"/access-log/?{query}").content.decode().count("<tr class=")

    assert rows("") == 5
    assert rows(f"staff={alice.pk}") == 1
    assert rows(f"staff={bob.pk}&unexplained=on") == 4
    assert rows("unexplained=on") == 4
    assert rows(f"customer={other_customer.external_id}") == 2
    assert rows("customer=oscar") == 2  # part of the name
    today = timezone.localdate().isoformat()
    assert rows(f"date_from={today}") == 4
    assert rows(f"date_to={(timezone.localdate() - timedelta(days=1)).isoformat()}") == 1
    bad = client.get(f"/access-log/?date_from={today}&date_to=2000-01-01")
    assert "The end date is before the start date." in bad.content.decode()


def test_the_csv_holds_every_matching_row(client_as, sofia, bob, customer, other_customer, log):
    services.customer_upsert(external_id=other_customer.external_id, name="=HYPERLINK(1)")
    response = client_as(sofia).get(f"/access-log/?format=csv&staff={bob.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="access-log-' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0][:7] == ["at", "staff_email", "staff_name", "staff_role", "customer", "customer_name", "what"]
    assert len(table) == 5 and {row[1] for row in table[1:]} == {bob.email}
    assert {row[-1] for row in table[1:]} == {"no"}
    assert "'=HYPERLINK(1)" in {row[5] for row in table[1:]}  # a name is never a spreadsheet formula


def test_the_page_costs_the_same_few_queries_however_many_rows(
    client_as, sofia, bob, customer, log, django_assert_max_num_queries
):
    client = client_as(sofia)
    client.get("/access-log/")
    services.customer_access_record(staff=bob, accesses=[services.Access(customer.pk, "panel") for _ in range(60)])
    with django_assert_max_num_queries(12):
        assert client.get("/access-log/").status_code == 200


def test_dates_out_of_range_are_refused_beside_their_field(client_as, sofia, log):
    page = client_as(sofia).get("/access-log/?date_to=9999-12-31&staff=999999999999999999999").content.decode()
    assert "Choose a date from 1970-01-01 to 2099-12-31." in page
