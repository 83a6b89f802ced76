"""Every URL of the URL conf (pages, the REST API, the JSON endpoints) with hostile values in each path parameter and
in each query, form and JSON parameter its view reads, as anonymous, a customer (widget token), an agent, a
supervisor, an admin and an API key: no answer is a 5xx, and under /api/ every refusal is JSON.

The parameters are not listed by hand: a spy (tests/security/hostile.py) records which keys each view reads, in
rounds, so a parameter a view starts reading tomorrow is walked too. Path converters get the hostile values as well
(an <int:> segment of "abc" or "-1" must be a clean 404, a <key:> segment of 5,000 characters too).
"""

import json
import re
import time
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import staff_upsert
from chat.attachments.services import attachment_upload
from pnl import services as pnl_services
from recovery import walkthrough
from recovery.models import Lookup, RecoveryCase
from tests.chat.helpers import widget_token
from tests.conftest import require
from tests.security.hostile import HOSTILE, JSON_NUMBERS, spying
from tests.security.urlconf import fill_with, patterns
from tickets import services as tickets_services
from tickets.models import ApiKey

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "192.0.2.77"  # a documentation address: the walk's failed sign-ins count against nobody else's
HEALTH = "/healthz"  # 503 while no worker runs is its honest answer, not a server error
ALL_SCOPES = ApiKey.Scope.values  # a key that may do everything


@pytest.fixture
def deep_world(world, customer, alice):
    """`world` plus one of everything a URL names by id: a webhook, a position, a walkthrough, a lookup, a case."""
    require("postgres")
    conversation_id = world["conversation_id"]
    hook = tickets_services.webhook_endpoint_create(url="https://exchange.example/hook", events=["ticket."])
    pnl_services.positions_import(
        customer=customer,
        positions=[{"external_id": "p-1", "market": "BTCUSDT", "opened_at": _now(), "reported_pnl": None}],
    )
    started = walkthrough.walkthrough_start(customer=customer)
    lookup = Lookup.objects.create(  # test data: a finished lookup, as the worker leaves it
        txid_input="0x" + "a" * 64, input_format="evm_hash", customer=customer, conversation_id=conversation_id
    )
    case = RecoveryCase.objects.create(lookup=lookup, customer=customer, conversation_id=conversation_id)
    picture = attachment_upload(upload=_png(), customer=customer, conversation_id=conversation_id)
    from pnl.models import Position

    world["values"] = {
        **{name: str(value) for name, value in world["ids"].items()},
        "webhook_id": str(hook.pk),
        "position_id": str(Position.objects.get(external_id="p-1").pk),
        "walkthrough_id": str(started.pk),
        "lookup_id": str(lookup.pk),
        "case_id": str(case.pk),
        "external_id": customer.external_id,
        "symbol": "BTCUSDT",
        "lang": "ru",
        "attachment_id": str(picture.pk),
        "variant": "file",
        "kind": "totp",  # account/security/<kind>/<pk>/remove/
        "pk": str(world["conversation_id"]),
    }
    return world


def _png():
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile("screen.png", buffer.getvalue(), content_type="image/png")


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def identities(deep_world, alice, sofia, customer):
    admin = staff_upsert(email="root@test.example", password="pw-root-123", role=Role.ADMIN, name="Root")[0]
    key = tickets_services.api_key_create(name="walk", scopes=ALL_SCOPES)[1]
    return {
        "anonymous": (None, {}),
        "customer": (None, {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub=customer.external_id)}"}),
        "agent": (alice, {}),
        "supervisor": (sofia, {}),
        "admin": (admin, {}),
        "api key": (None, {"HTTP_AUTHORIZATION": f"Bearer {key}"}),
    }


class Walk:
    """One identity's requests: what each view read, and every answer that was a server error (or, under /api/, an
    error that is not JSON)."""

    def __init__(self, user, headers: dict, reads):
        self.client = Client(REMOTE_ADDR=ADDRESS, HTTP_ACCEPT="text/html,*/*", **headers)
        self.client.raise_request_exception = False
        self.user, self.reads = user, reads
        self.failures: set[tuple] = set()
        self.sent = 0
        self.sign_in()

    def sign_in(self) -> None:
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method: str, url: str, *, query: dict | None = None, form: dict | None = None, body=None):
        self.reads.sent_query = urlencode(query or {})
        self.reads.sent_form = urlencode({**(form or {}), "walk": "1"}) if form is not None else None
        self.reads.sent_json = json.dumps(body) if body is not None else None
        target = f"{url}?{self.reads.sent_query}" if query else url
        if self.reads.sent_json is not None:
            response = self.client.generic(method, target, self.reads.sent_json, content_type="application/json")
        elif self.reads.sent_form is not None:
            form_type = "application/x-www-form-urlencoded"
            response = self.client.generic(method, target, self.reads.sent_form, content_type=form_type)
        else:
            response = self.client.generic(method, target)
        self.sent += 1
        self._judge(method, target, response)
        if url == "/logout/":
            self.sign_in()
        return response

    def _judge(self, method: str, url: str, response) -> None:
        status = response.status_code
        if status >= 500 and not (url.startswith(HEALTH) and status == 503):
            self.failures.add((method, url[:200], status, "server error"))
        elif url.startswith("/api/v1/") and status >= 400 and "json" not in response.get("Content-Type", ""):
            self.failures.add((method, url[:200], status, "an API error that is not JSON"))

    def discover(self, method: str, url: str) -> tuple[set[str], set[str]]:
        """The keys the view reads (query keys for GET, form and JSON keys otherwise): asked empty, then again
        with every key learned so far (a view may read more once it sees one, like ?market= then ?start=)."""
        self.reads.clear()
        for _round in range(3):
            learned = (set(self.reads.query), set(self.reads.form), set(self.reads.json))
            if method == "GET":
                self.send("GET", url, query=dict.fromkeys(learned[0], "1"))
            else:
                self.send(method, url, form=dict.fromkeys(learned[1], "1"))
                self.send(method, url, body=dict.fromkeys(learned[2], "1"))
            if (self.reads.query, self.reads.form, self.reads.json) == learned:
                break
        if method == "GET":
            return set(self.reads.query), set()
        return set(self.reads.form), set(self.reads.json)


def routes(values: dict) -> list[tuple[str, dict]]:
    """(route, converters) of every route; a parameter without a sample value fails the test."""
    found = []
    for route, _name, converters in patterns():
        if fill_with(route, {key: quote(values[key], safe="") for key in converters}) is not None:
            found.append((route, converters))
    assert len(found) >= 45, "the whole URL conf is walked"
    return found


def walk_route(walk: Walk, route: str, converters: dict, values: dict, seen: set) -> None:
    """Hostile values in each path parameter and in each key the view reads, for each method it takes.

    Each (route, method, key) gets every hostile value on its own once, from the first identity whose view reads
    it; the identities after it send every key at once with each value (the parsing is shared, what they may see
    is not). A path value its converter cannot match ("abc" for <int:>) never reaches a view, whoever sends it:
    it is sent once."""
    url = fill_with(route, {key: quote(values[key], safe="") for key in converters})
    if route == "healthz":
        walk.send("GET", url)  # it reads nothing, and each answer waits up to 3 s for a worker this test lacks
        return
    methods = ["GET"] + [m for m in ("POST", "OPTIONS") if walk.send(m, url).status_code != 405]
    for method in methods:
        keys, json_keys = walk.discover(method, url) if method != "OPTIONS" else (set(), set())
        alone = {key for key in keys | json_keys if (route, method, key) not in seen}
        seen.update((route, method, key) for key in alone)
        for value in HOSTILE.values():
            for name, converter in converters.items():  # each path parameter in turn, the others real
                if not re.fullmatch(converter.regex, value):
                    if (route, method, name, value) in seen:
                        continue
                    seen.add((route, method, name, value))
                hostile = {key: quote(value if key == name else values[key], safe="") for key in converters}
                walk.send(method, fill_with(route, hostile))
            walk_keys(walk, method, url, keys, json_keys, alone, value)
        for key, number in ((key, number) for key in json_keys & alone for number in JSON_NUMBERS.values()):
            walk.send(method, url, body={**dict.fromkeys(json_keys, "1"), key: number})


def walk_keys(walk: Walk, method: str, url: str, keys: set, json_keys: set, alone: set, value: str) -> None:
    for key in sorted(keys & alone):
        if method == "GET":
            walk.send("GET", url, query={key: value})
        else:
            walk.send(method, url, form={key: value})
    for key in sorted(json_keys & alone):
        walk.send(method, url, body={**dict.fromkeys(json_keys, "1"), key: value})
    if keys - alone:
        every = dict.fromkeys(keys, value)
        walk.send(method, url, **({"query": every} if method == "GET" else {"form": every}))
    if json_keys - alone:
        walk.send(method, url, body=dict.fromkeys(json_keys, value))


def takes(who: str, route: str) -> bool:
    """The API authenticates keys only (staff sessions and widget tokens are anonymous to it); pages and JSON
    endpoints take sessions and widget tokens, never keys."""
    if route in ("healthz", "api/schema/", "api/docs/"):
        return who == "anonymous"  # the same for everyone, and slow (a worker ping; generating the schema)
    if route.startswith("api/v1/"):
        return who in ("anonymous", "api key")
    return who != "api key"


# Two halves that run side by side under pytest-xdist: those who reach the API with a key or nothing, and staff. Each
# half sends every key alone once (the first of its identities that reads it), as one walk would.
HALVES = {"outsiders": ("anonymous", "customer", "api key"), "staff": ("agent", "supervisor", "admin")}


@pytest.mark.parametrize("half", HALVES)
def test_no_url_answers_a_server_error_to_hostile_input(monkeypatch, deep_world, identities, half):
    started = time.monotonic()
    failures, sent, seen = {}, 0, set()
    with spying(monkeypatch) as reads:
        walked = routes(deep_world["values"])
        for who in HALVES[half]:
            user, headers = identities[who]
            walk = Walk(user, headers, reads)
            for route, converters in walked:
                if takes(who, route):
                    walk_route(walk, route, converters, deep_world["values"], seen)
            failures[who], sent = sorted(walk.failures), sent + walk.sent
    print(f"\nhostile walk ({half}): {sent} requests over {len(walked)} routes in {time.monotonic() - started:.0f} s")
    assert {who: found for who, found in failures.items() if found} == {}


def test_the_issues_reported_server_errors_are_clear_refusals(client, deep_world, sofia, customer):
    """Each 500 reproduced in issue 14, one by one, with the answer it gets now."""
    key = tickets_services.api_key_create(name="repro", scopes=ALL_SCOPES)[1]
    api = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for url in ("/api/v1/tickets/?customer=%00", "/api/v1/tickets/?status=%00", "/api/v1/customers/%00/"):
        answer = client.get(url, **api)
        assert (answer.status_code, answer.json()["error"]) == (400, "bad_request"), url
    answer = client.get("/api/v1/tickets/?limit=99999999999999999999999", **api)
    assert answer.status_code == 400 and answer.json() == {"limit": ["use a whole number from 1 to 200"]}
    options = client.options("/api/v1/pnl/markets/0/", **api)
    assert options.status_code == 200 and "PUT" in options.json()["actions"]
    client.force_login(sofia)
    pages = [
        "/tickets/?q=%00",
        "/tickets/?tag=%00",
        "/tickets/replies/?q=%00",
        "/tickets/replies/search/?q=%00",
        f"/pnl/customers/{customer.pk}/?market=%00",
    ]
    for url in pages:
        answer = client.get(url, HTTP_ACCEPT="text/html")
        assert answer.status_code == 400 and b"NUL character" in answer.content, url
    for url in ("/history/?date_to=9999-12-31", "/dashboard/?date_from=9999-12-31&date_to=9999-12-31"):
        answer = client.get(url)
        assert answer.status_code == 200 and b"Choose a date from 1970-01-01 to 2099-12-31." in answer.content, url


def test_a_survey_comment_with_a_nul_is_refused_and_a_good_one_kept(client, deep_world, customer, alice):
    from chat import services as chat_services

    conversation_id = deep_world["conversation_id"]
    chat_services.conversation_end(agent=alice, conversation_id=conversation_id)
    token = {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub=customer.external_id)}"}
    url = f"/chat/survey/{conversation_id}/"
    refused = client.post(url, {"value": "yes", "comment": "a\u0000b"}, content_type="application/json", **token)
    assert refused.status_code == 400 and refused.json()["error"] == "bad_request"
    kept = client.post(url, {"value": "yes", "comment": "thank you"}, content_type="application/json", **token)
    assert kept.status_code == 200 and kept.json() == {"answer": "yes", "comment": "thank you"}


def test_the_refusal_speaks_the_readers_language_in_the_shape_it_reads(client, deep_world, sofia, customer):
    client.force_login(sofia)
    page = client.get("/tickets/?q=%00", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    assert "уберите его и попробуйте снова" in page.content.decode()  # noqa: RUF001 (Russian)
    client.logout()
    token = {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub=customer.external_id)}"}
    url = f"/chat/survey/{deep_world['conversation_id']}/"
    fetched = client.post(
        url,
        '{"value": "yes", "comment": "\\u0000"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ar",
        **token,
    )
    assert fetched.status_code == 400 and fetched.json() == {
        "error": "bad_request",
        "detail": "يحتوي الطلب على محرف NUL أو محرف تالف؛ احذفه وحاول مرة أخرى.",
    }
    broken = client.get("/api/v1/tickets/?status=%FF")
    assert broken.status_code == 400 and broken.json()["detail"].startswith("The request is not valid UTF-8")
    deep = client.post(url, "[" * 100 + "]" * 100, content_type="application/json", **token)
    assert deep.status_code == 400 and deep.json()["detail"] == "The JSON is nested too deeply."
