"""Who may see what: every URL in the URL conf, fetched as an outsider, an agent who has nothing to do with the
conversation, the agent who holds it and a supervisor; customer A against customer B over HTTP."""

import json
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from chat import services as chat_services
from tests.chat.helpers import widget_token

pytestmark = pytest.mark.django_db

# Pages anyone may open (the exchange's demo page, the widget itself, the login form, health).
# The API schema and its docs describe the API and hold no data.
PUBLIC = {"login", "healthz", "demo_exchange", "demo_token", "widget_frame", "api_schema", "api_docs"}
SUPERVISOR_ONLY = ("/monitor/", "/dashboard/")
HEALTH = "/healthz"  # 503 is its honest answer while no worker runs: not a server error


def patterns(resolvers=None, prefix: str = ""):
    """(route, name, converters) of every URL pattern, admin excluded (Django's own, staff-only)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, entry.pattern.converters


def fill(route: str, converters: dict, ids: dict) -> str | None:
    """A real URL for a route: every <int:x_id> gets the id of a real object of that kind."""
    import re

    def value(match):
        name = match.group(2)
        return str(ids.get(name, ids["conversation_id"]))

    if any(getattr(conv, "regex", None) != "[0-9]+" for conv in converters.values()):
        return None  # str/slug/path parameters: nothing generic to fill in
    url = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    if "(" in url or "^" in url:
        return None  # regex routes (static, media)
    return "/" + url


@pytest.fixture
def world(alice, bob, sofia, customer, other_customer):
    """Carla's chat is held by Alice, with an internal note; Oscar has his own chat."""
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="My deposit is missing"
    )
    conversation_id = posted.message.conversation_id
    chat_services.conversation_accept(agent=alice, conversation_id=conversation_id)
    chat_services.agent_message_post(
        agent=alice, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body="SECRET-NOTE", kind="note"
    )
    other = chat_services.customer_message_post(
        customer=other_customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Where is my USDT?"
    )
    ticket_id = posted.message.conversation.ticket_id
    return {
        "conversation_id": conversation_id,
        "other_conversation_id": other.message.conversation_id,
        "ids": {"conversation_id": conversation_id, "ticket_id": ticket_id, "customer_id": customer.pk},
    }


def urls(world) -> list[tuple[str, str]]:
    out = []
    for route, name, converters in patterns():
        url = fill(route, converters, world["ids"])
        if url is not None:
            out.append((name or route, url))
    assert len(out) >= 20, "the URL conf was walked"
    return out


def test_an_outsider_gets_no_page_but_the_public_ones(client, world):
    opened = []
    for name, url in urls(world):
        response = client.get(url)
        assert response.status_code < 500 or url == HEALTH, (url, response.status_code)
        if response.status_code == 200 and name not in PUBLIC:
            opened.append(url)
    assert opened == [], f"an anonymous visitor opened {opened}"


def test_no_page_errors_for_any_role_and_agents_do_not_get_supervisor_pages(client, world, alice, bob, sofia):
    matrix = {}
    for user in (alice, bob, sofia):
        client.force_login(user)
        for _name, url in urls(world):
            status = client.get(url).status_code
            matrix[(user.email, url)] = status
            assert status < 500 or url == HEALTH, (user.email, url, status)
            if url.startswith(SUPERVISOR_ONLY) and user != sofia:
                assert status in (403, 404), (user.email, url, status)
        client.logout()
    supervisor_pages = [url for (email, url), status in matrix.items() if email == sofia.email and status == 200]
    assert any(url.startswith(SUPERVISOR_ONLY) for url in supervisor_pages), "the supervisor opens them"


@pytest.mark.parametrize("suffix", ["", "export.json", "export.csv"])
def test_an_agent_who_never_held_a_chat_cannot_read_its_transcript_or_exports(client, world, bob, sofia, suffix):
    url = f"/history/{world['conversation_id']}/{suffix}"
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(sofia)
    response = client.get(url)
    assert response.status_code == 200
    assert "SECRET-NOTE" in response.content.decode(), "staff exports keep notes (labelled), customers never get one"


def survey(client, conversation_id: int, token: str | None, value="yes"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = json.dumps({"value": value})
    return client.post(f"/chat/survey/{conversation_id}/", data=body, content_type="application/json", **headers)


def test_customer_a_cannot_answer_the_survey_of_customer_bs_conversation(client, world):
    carla = widget_token(sub="cust-1")
    assert survey(client, world["other_conversation_id"], carla).status_code == 404
    assert survey(client, world["conversation_id"], None).status_code == 401
    assert survey(client, world["conversation_id"], carla + "x").status_code == 401
    oscar = widget_token(sub="cust-2", name="Oscar Outsider")
    assert survey(client, world["conversation_id"], oscar).status_code == 404
