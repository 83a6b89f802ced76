import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Role, User
from tests.support.cache import cache_clear


@pytest.fixture(autouse=True)
def _forget_failed_logins():
    cache_clear()
    yield
    cache_clear()


@pytest.mark.django_db
def test_createagent_creates_then_updates():
    call_command("createagent", "Nina@Example.com", "--password", "pw-1-long-enough", "--name", "Nina")
    user = User.objects.get(email="nina@example.com")
    assert user.role == Role.AGENT
    assert user.check_password("pw-1-long-enough")
    assert list(user.groups.values_list("name", flat=True)) == ["Agents"]

    call_command("createagent", "nina@example.com", "--role", "supervisor")
    user.refresh_from_db()
    assert user.role == Role.SUPERVISOR
    assert user.check_password("pw-1-long-enough")  # unchanged when --password is omitted
    assert list(user.groups.values_list("name", flat=True)) == ["Supervisors"]


@pytest.mark.django_db
def test_admin_role_may_use_django_admin():
    call_command("createagent", "root@example.com", "--password", "pw-admin-long", "--role", "admin")
    user = User.objects.get(email="root@example.com")
    assert user.is_staff and user.is_superuser


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(email__endswith="@demo.test").count() == 4
    out = capsys.readouterr().out
    assert "supervisor@demo.test" in out and "password" in out


@pytest.mark.django_db
def test_login_then_console(alice):
    client = Client()
    response = client.post("/login/", {"username": "alice@test.example", "password": "pw-alice-123"})
    assert response.status_code == 302
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert b"Console" in response.content


@pytest.mark.django_db
def test_pages_require_login():
    response = Client().get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_login_is_rate_limited_per_address(alice, settings):
    settings.LOGIN_RATE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert client.post("/login/", {"username": "alice@test.example", "password": "wrong"}).status_code == 200
    response = client.post("/login/", {"username": "alice@test.example", "password": "pw-alice-123"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_login_is_rate_limited_per_account_across_addresses(alice, settings):
    """Credential stuffing: each guess from a different address. The account's own limit stops it, for the right
    password too; other accounts are not affected."""
    settings.LOGIN_RATE_LIMIT, settings.LOGIN_ACCOUNT_RATE_LIMIT = 100, 3
    for n in range(3):
        guess = Client(REMOTE_ADDR=f"203.0.113.{n}").post(
            "/login/", {"username": "Alice@Test.example ", "password": f"wrong-{n}"}
        )
        assert guess.status_code == 200
    refused = Client(REMOTE_ADDR="203.0.113.99").post(
        "/login/", {"username": "alice@test.example", "password": "pw-alice-123"}
    )
    assert refused.status_code == 429 and "this account" in refused.content.decode()
    other = Client(REMOTE_ADDR="203.0.113.99").post("/login/", {"username": "bob@test.example", "password": "wrong"})
    assert other.status_code == 200


@pytest.mark.django_db
def test_responses_carry_a_strict_csp(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
