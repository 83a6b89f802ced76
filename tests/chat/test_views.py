"""The chat pages: the console (agents only), the widget frame (embeddable, strict CSP) and the demo endpoints."""

import uuid

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_requires_login(client):
    response = client.get(reverse("console"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_console_renders_for_an_agent(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("console"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-me="{alice.pk}"' in body
    assert "Bob" not in body  # who can take a chat is read when the transfer dialog opens, not at page load
    assert "<script>" not in body  # no inline scripts under the CSP


def test_transfer_targets_are_read_as_they_are_now(client, alice, bob, sofia, customer):
    from accounts import services as accounts_services
    from chat import services as chat_services

    accounts_services.presence_seen(user=bob)
    accounts_services.presence_set(user=bob, presence="away")
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="hello"
    )
    chat_services.conversation_accept(agent=bob, conversation_id=posted.message.conversation_id)
    client.force_login(alice)
    response = client.get(reverse("console_agents"))
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "agents": [
            {"id": bob.pk, "name": "Bob", "presence": "away", "chats": 1},
            # no console of hers has been heard from: offline
            {"id": sofia.pk, "name": "Sofia", "presence": "offline", "chats": 0},
        ]
    }  # Alice is not offered to herself


def test_a_console_unheard_for_a_minute_reads_offline(bob):
    from datetime import timedelta

    from django.utils import timezone

    from accounts import services as accounts_services

    accounts_services.presence_seen(user=bob)
    accounts_services.presence_set(user=bob, presence="online")
    now = timezone.now()
    assert bob.presence_now(now) == "online"
    assert bob.presence_now(now + timedelta(seconds=61)) == "offline"


def test_the_transfer_list_is_for_staff_only(client, customer):
    assert client.get(reverse("console_agents")).status_code == 302  # signed out: to the login


def test_console_always_loads_the_ticket_sidebar_and_the_registered_modules(client, alice):
    """tickets is a floor below chat: its sidebar is part of the console, not a feature guessed from a file; recovery,
    above chat, registers its module (chat/console_modules.py)."""
    client.force_login(alice)
    page = client.get(reverse("console")).content.decode()
    assert "ticket-sidebar.js" in page and "recovery/console-cases.js" in page


def test_widget_frame_may_be_framed_only_by_allowed_origins(client):
    response = client.get(reverse("widget_frame"), {"origin": "https://exchange.example"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors " + " ".join(settings.WIDGET_EMBED_ORIGINS) in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy


def test_demo_token_is_a_short_lived_signed_token(client):
    response = client.get(reverse("demo_token"), {"user": "demo-ivan"})
    claims = jwt.decode(response.json()["token"], settings.WIDGET_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "demo-ivan" and claims["locale"] == "ru" and claims["vip"] == "gold"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    ("user", "locale", "name"), [("demo-wei", "zh-hans", "王伟"), ("demo-rahim", "bn", "রহিম উদ্দিন")]
)
def test_every_seeded_demo_customer_gets_their_own_name_and_language(client, user, locale, name):
    """The demo's token knew three customers; the others opened the widget in English under their id."""
    response = client.get(reverse("demo_token"), {"user": user})
    claims = jwt.decode(response.json()["token"], settings.WIDGET_SECRET, algorithms=["HS256"])
    assert (claims["locale"], claims["name"]) == (locale, name)


def test_demo_pages_are_gone_outside_the_demo(client, settings):
    settings.DEMO = False
    assert client.get(reverse("demo_exchange")).status_code == 404
    assert client.get(reverse("demo_token")).status_code == 404


def test_demo_exchange_embeds_the_widget_with_one_script_tag(client):
    body = client.get(reverse("demo_exchange"), {"user": "demo-alice"}).content.decode()
    assert body.count("<script") == 1
    assert "widget/embed.js" in body and 'data-token-url="/demo/token?user=demo-alice"' in body
