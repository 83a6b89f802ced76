"""Contact details are masked in staff views until revealed; only the agent holding the customer's chat or ticket
(or a supervisor) may reveal them, and each reveal is recorded in the access log."""

import uuid

import pytest

from chat import services as chat_services
from tickets import services
from tickets.masking import mask_email, mask_phone
from tickets.models import CustomerAccess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("alice.moreau@example.com", "a•••@e•••.com"),
        ("x@mail.co.uk", "x•••@m•••.uk"),
        ("odd@localhost", "o•••@l•••"),
        ("not-an-email", "•••"),
        ("", ""),
    ],
)
def test_an_email_shows_its_first_letters_and_ending_only(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+7 912 345-67-89", "+• ••• •••-••-89"), ("0044 20 7946 0958", "•••• •• •••• ••58"), ("123", "•••")],
)
def test_a_phone_shows_its_last_two_digits_only(phone, masked):
    assert mask_phone(phone) == masked


@pytest.fixture
def customer(db):
    return services.customer_upsert(
        external_id="masked-1", name="Alice Moreau", email="alice.moreau@example.com", phone="+33 6 12 34 56 78"
    )


@pytest.fixture
def chat(customer, alice):
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    )
    return chat_services.conversation_accept(agent=alice, conversation_id=posted.message.conversation_id)


def test_the_panel_and_the_ticket_page_never_hold_the_plain_details(client, chat, alice, sofia):
    for user in (alice, sofia):
        client.force_login(user)
        for url in (f"/tickets/{chat.ticket_id}/", f"/tickets/{chat.ticket_id}/sidebar/?conversation={chat.pk}"):
            page = client.get(url).content.decode()
            assert "alice.moreau@example.com" not in page and "12 34 56 78" not in page, url
            assert "a•••@e•••.com" in page and "+•• • •• •• •• 78" in page, url
            assert "Reveal contact details" in page


def test_the_agent_holding_the_chat_reveals_and_it_is_recorded(client, chat, customer, alice):
    client.force_login(alice)
    response = client.post(f"/tickets/customers/{customer.pk}/reveal/", {"conversation": chat.pk})
    assert response.json() == {"email": "alice.moreau@example.com", "phone": "+33 6 12 34 56 78"}
    row = CustomerAccess.objects.get(what="reveal")
    assert (row.staff, row.customer, row.conversation_id, row.via_conversation_id) == (
        alice,
        customer,
        chat.pk,
        chat.pk,
    )


def test_another_agent_is_refused_and_nothing_is_revealed_or_recorded(client, chat, customer, bob):
    client.force_login(bob)
    response = client.post(f"/tickets/customers/{customer.pk}/reveal/")
    assert response.status_code == 403 and response.json()["error"] == "not_yours"
    assert "alice.moreau" not in response.content.decode()
    assert not CustomerAccess.objects.filter(what="reveal").exists()


def test_an_agent_holding_only_a_ticket_of_theirs_may_reveal(client, customer, bob):
    ticket = services.ticket_create(customer=customer, subject="KYC", actor_role="agent")
    services.ticket_assignee_set(ticket=ticket, assignee=bob, actor=bob)
    client.force_login(bob)
    assert client.post(f"/tickets/customers/{customer.pk}/reveal/", {"ticket": ticket.pk}).status_code == 200
    assert CustomerAccess.objects.get(what="reveal").via_ticket_id == ticket.pk


def test_a_supervisor_may_reveal_anyone_and_it_is_recorded_as_unexplained(client, chat, customer, sofia):
    client.force_login(sofia)
    assert client.post(f"/tickets/customers/{customer.pk}/reveal/").json()["email"] == "alice.moreau@example.com"
    row = CustomerAccess.objects.get(what="reveal")
    assert row.staff == sofia and not row.explained


def test_reveal_is_a_post_for_signed_in_staff_only(client, customer, alice):
    url = f"/tickets/customers/{customer.pk}/reveal/"
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert client.post("/tickets/customers/999999/reveal/").status_code == 404
