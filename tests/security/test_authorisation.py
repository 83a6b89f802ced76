"""Who may see what: every URL in the URL conf, fetched as an outsider, an agent who has nothing to do with the
conversation, the agent who holds it and a supervisor; customer A against customer B over HTTP."""

import json

import pytest

from tests.chat.helpers import widget_token
from tests.security.urlconf import fill, patterns

pytestmark = pytest.mark.django_db

# Pages anyone may open (the exchange's demo page, the widget itself, the login form, health).
# The API schema and its docs describe the API and hold no data.
PUBLIC = {"login", "healthz", "demo_exchange", "demo_token", "widget_frame", "api_schema", "api_docs"}
SUPERVISOR_ONLY = ("/monitor/", "/dashboard/")
HEALTH = "/healthz"  # 503 is its honest answer while no worker runs: not a server error


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
