# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""Every way to sign in shares the same limits on failed attempts, per address and per account
(accounts/signin_limits.py): the staff login page, the Django admin's login, HTTP Basic on the API's DRF views and
authenticate() itself."""

import base64

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory

from accounts import signin_limits
from tests.support.cache import cache_clear

ADMIN = ("root@test.example", "pw-admin-long-enough")


@pytest.fixture(autouse=True)
def _forget_failed_logins():
    cache_clear()
    yield
    cache_clear()


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def root(db):
    # an admin passes a second step after the password (HELPDESK_MFA_REQUIRED): enrolled here, passed below
    call_command("createagent", ADMIN[0], "--password", ADMIN[1], "--role", "admin", "--totp-secret", TOTP_SECRET)


def _admin_login(client: Client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": ADMIN[0], "password": password})


def _signed_in_to_admin(client: Client) -> bool:
    response = client.get("/admin/")
    if response.status_code == 302 and response["Location"].startswith("/login/verify/"):
        from accounts.models import User
        from tests.support.staff import totp_code

        client.post("/login/verify/", {"code": totp_code(User.objects.get(email=ADMIN[0]))})
        response = client.get("/admin/")
    return response.status_code == 200


@pytest.mark.django_db
def test_eleven_wrong_admin_passwords_then_the_right_one_does_not_get_in(root):
    client = Client()
    for _ in range(11):
        assert _admin_login(client, "wrong").status_code in (200, 429)
    refused = _admin_login(client, ADMIN[1])
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts from this address" in refused.content.decode()
    assert not _signed_in_to_admin(client)
    assert _admin_login(Client(REMOTE_ADDR="198.51.100.7"), ADMIN[1]).status_code == 302, "another address may"


@pytest.mark.django_db
def test_the_admin_login_still_signs_in_below_the_limit(root):
    client = Client()
    for _ in range(3):
        assert _admin_login(client, "wrong").status_code == 200
    assert _admin_login(client, ADMIN[1]).status_code == 302
    assert _signed_in_to_admin(client)


@pytest.mark.django_db
def test_failures_on_one_way_in_count_on_every_other(alice, root, settings):
    settings.LOGIN_RATE_LIMIT = 6
    client = Client()
    for _ in range(3):
        client.post("/login/", {"username": "alice@test.example", "password": "wrong"})
    for _ in range(3):
        _admin_login(client, "wrong")
    assert _admin_login(client, ADMIN[1]).status_code == 429
    staff_page = client.post("/login/", {"username": "alice@test.example", "password": "pw-alice-123"})
    assert staff_page.status_code == 429 and "from this address" in staff_page.content.decode()


@pytest.mark.django_db
def test_guessing_through_http_basic_on_the_api_is_counted_and_stopped(root, settings):
    """DRF's views that keep the default authentication (the API schema) accept HTTP Basic: authenticate() again."""
    settings.LOGIN_RATE_LIMIT = 4
    client = Client()

    def basic(password: str) -> dict:
        return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{ADMIN[0]}:{password}".encode()).decode()}

    for _ in range(4):
        assert client.get("/api/schema/", **basic("wrong")).status_code in (401, 403)
    assert client.get("/api/schema/", **basic(ADMIN[1])).status_code in (401, 403), "refused, right password too"
    assert _admin_login(client, ADMIN[1]).status_code == 429, "the same address, the same count"


@pytest.mark.django_db
def test_authenticate_itself_refuses_an_account_past_its_limit_without_checking_the_password(alice, settings):
    settings.LOGIN_ACCOUNT_RATE_LIMIT = 3
    for _ in range(3):
        assert authenticate(username="alice@test.example", password="wrong") is None
    assert authenticate(username="alice@test.example", password="pw-alice-123") is None
    assert signin_limits.refusal(None, "ALICE@test.example ") == signin_limits.FOR_ACCOUNT
    assert authenticate(username="bob@test.example", password="pw-bob-123") is None  # bob does not exist here


@pytest.mark.django_db
def test_a_refused_attempt_is_not_counted_as_another_guess(alice, settings):
    settings.LOGIN_RATE_LIMIT = 2
    client = Client()
    for _ in range(2):
        client.post("/login/", {"username": "alice@test.example", "password": "wrong"})
    for _ in range(5):
        assert client.post("/login/", {"username": "alice@test.example", "password": "wrong"}).status_code == 429
    from django.core.cache import cache

    assert cache.get("login-fail:127.0.0.1") == 2


@pytest.mark.django_db
def test_the_refusal_is_said_in_the_pages_language(alice, settings):
    settings.LOGIN_RATE_LIMIT = 1
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.post("/login/", {"username": "alice@test.example", "password": "wrong"})
    refused = client.post("/login/", {"username": "alice@test.example", "password": "pw-alice-123"})
    assert refused.status_code == 429
    assert "Слишком много неудачных попыток входа с этого адреса" in refused.content.decode()


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # the same /64: the same count
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", None),
    ],
)
def test_failures_are_counted_per_address_and_per_ipv6_slash_64(remote, counted_as):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert signin_limits.client_address(request) == counted_as
