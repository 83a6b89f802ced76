"""Shared fixtures. Named staff (alice the agent, bob another agent, sofia the supervisor) as in
healthchecks' test base; `require(...)` skips (or, in CI, fails) when a real service is missing."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts.models import Role
from accounts.services import staff_upsert
from tickets import services as tickets_services

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI") == "true"
MISSING = {part for part in os.environ.get("HELPDESK_MISSING", "").split(",") if part}
NEEDS = "needs "  # how require() words a skip, read back by pytest_terminal_summary
CHROMIUM = "/usr/bin/chromium"
ANVIL = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
django_settings.PASSWORD_HASHERS = ["tests.support.hashers.OneIterationPBKDF2"]  # why: tests/support/hashers.py


def _available(part: str) -> bool:
    if part == "postgres":
        return "postgres" not in MISSING and os.environ.get("DATABASE_URL", "").startswith("postgres")
    if part == "redis":
        return "redis" not in MISSING and bool(os.environ.get("REDIS_URL"))
    if part == "chromium":
        return Path(CHROMIUM).exists()
    if part == "anvil":
        return ANVIL.exists()
    if part == "docker-compose":
        return shutil.which("docker-compose") is not None
    if part == "node":
        return shutil.which("node") is not None and (ROOT / "node_modules").exists()
    raise ValueError(part)


def require(*parts: str) -> None:
    """Skip a test whose real dependency is absent; in CI that is a failure, never a skip."""
    absent = [part for part in parts if not _available(part)]
    if not absent:
        return
    if CI:
        pytest.fail(f"CI needs {', '.join(absent)} but it is not available")
    pytest.skip(f"{NEEDS}{', '.join(absent)}")


def pytest_terminal_summary(terminalreporter):
    # Read from the skip reports, not from a set filled by require(): under pytest-xdist the skips happen in the
    # worker processes and only their reports reach this one.
    absent = set()
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if NEEDS in reason:
            absent.update(part.strip() for part in reason.split(NEEDS, 1)[1].split(","))
    if absent:
        terminalreporter.write_line(
            f"!!!!!!!! SKIPPED tests that need: {', '.join(sorted(absent))} (they did not run) !!!!!!!!",
            red=True,
            bold=True,
        )


@pytest.fixture
def alice(db):
    return staff_upsert(email="alice@test.example", password="pw-alice-123", role=Role.AGENT, name="Alice")[0]


@pytest.fixture
def bob(db):
    return staff_upsert(email="bob@test.example", password="pw-bob-123", role=Role.AGENT, name="Bob")[0]


@pytest.fixture
def sofia(db):
    return staff_upsert(email="sofia@test.example", password="pw-sofia-123", role=Role.SUPERVISOR, name="Sofia")[0]


@pytest.fixture
def customer(db):
    return tickets_services.customer_upsert(external_id="cust-1", name="Carla Customer", locale="en")


@pytest.fixture
def other_customer(db):
    return tickets_services.customer_upsert(external_id="cust-2", name="Oscar Outsider", locale="ru")


@pytest.fixture
def asgi_server(transactional_db):
    """The real ASGI application (HTTP + websockets) on a loopback port, sharing the test database."""
    from tests.support.servers import asgi_server_thread

    with asgi_server_thread() as url:
        yield url


@pytest.fixture
def worker(transactional_db, settings):
    """A real Celery worker process on the Redis broker."""
    require("redis", "postgres")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    from tests.support.servers import celery_worker

    with celery_worker() as proc:
        yield proc


@pytest.fixture(scope="session")
def browser():
    require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a picture of what users see (test-artifacts/screens/NAME.png) for review."""
    folder = ROOT / "test-artifacts" / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the page, with the second step (a pyotp code) where the role needs one."""
    from accounts.models import User
    from tests.support import staff

    user = User.objects.get(email=email)
    needs_code = staff.needs_second_step(user)
    staff.prepare_second_step(user)
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    # A form post always navigates (onwards, or back to the form with its error): wait for that page's load, not
    # for half a second of network silence on every sign-in.
    with page.expect_navigation():
        page.click("main form button.primary")
    if needs_code and "/login/verify/" in page.url:
        page.fill("#id_code", staff.totp_code(user))
        with page.expect_navigation():
            page.click("main form button.primary")


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_step(monkeypatch):
    """`client.force_login(user)` stands for a completed sign-in: for a role that needs a second factor that
    includes the second step. Tests of the step itself post the password form instead (tests/accounts/)."""
    from django.test.client import ClientMixin

    from tests.support import staff

    force_login = ClientMixin.force_login

    def signed_in(self, user, backend=None):
        staff.prepare_second_step(user)
        force_login(self, user, backend)
        staff.pass_second_step(self.session, user)

    monkeypatch.setattr(ClientMixin, "force_login", signed_in)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Socket tests leave idle connections in worker threads; end them so the test database can be dropped."""
    yield
    with django_db_blocker.unblock():
        from django.db import DatabaseError, connection

        if connection.vendor != "postgresql":
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        except DatabaseError:
            pass  # no test database was made (a run without database tests): nothing to close


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own channel layer instance. pytest-asyncio closes a test's event loop with the layer's
    tasks still suspended, which can leave the layer's asyncio locks held and bound to a dead loop; the next test
    would then fail with "bound to a different event loop". (A server process has one loop: not a product issue.)"""
    yield
    from channels.layers import channel_layers

    channel_layers.backends.clear()
