"""The chat pages: the console (agents only), the widget frame (embeddable, strict CSP) and the demo endpoints."""

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_requires_login(client):
    response = client.get(reverse("console"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_console_renders_for_an_agent_with_transfer_targets(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("console"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="transfer-agents"' in body and '"name": "Bob"' in body
    assert '"name": "Alice"' not in body  # nobody transfers a chat to themselves
    assert f'data-me="{alice.pk}"' in body
    assert "<script>" not in body  # no inline scripts under the CSP


def test_console_always_loads_the_ticket_sidebar(client, alice):
    """tickets is a floor below chat: its sidebar is part of the console, not a feature guessed from a file."""
    client.force_login(alice)
    assert "ticket-sidebar.js" in client.get(reverse("console")).content.decode()


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


def test_demo_pages_are_gone_outside_the_demo(client, settings):
    settings.DEMO = False
    assert client.get(reverse("demo_exchange")).status_code == 404
    assert client.get(reverse("demo_token")).status_code == 404


def test_demo_exchange_embeds_the_widget_with_one_script_tag(client):
    body = client.get(reverse("demo_exchange"), {"user": "demo-alice"}).content.decode()
    assert body.count("<script") == 1
    assert "widget/embed.js" in body and 'data-token-url="/demo/token?user=demo-alice"' in body
