import pytest

from tests.conftest import login, screenshot
from tests.support.cache import cache_clear

pytestmark = pytest.mark.browser


def test_agent_signs_in_and_reaches_the_console(page, asgi_server, alice):
    page.goto(f"{asgi_server}/login/")
    screenshot(page, "login")
    assert page.get_by_label("Email").is_visible()
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    assert page.url.endswith("/console/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.js_errors == []


def test_wrong_password_says_so_plainly(page, asgi_server, alice):
    login(page, asgi_server, "alice@test.example", "not-it")
    assert page.get_by_role("alert").inner_text().startswith("That email and password did not match")


def test_too_many_failures_say_why_and_when_to_try_again(browser, asgi_server, alice, settings):
    cache_clear()
    settings.LOGIN_RATE_LIMIT = 2
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for _ in range(2):
            login(page, asgi_server, "alice@test.example", "not-it")
        login(page, asgi_server, "alice@test.example", "pw-alice-123")
        alert = page.get_by_role("alert").inner_text()
        assert alert.startswith("Too many failed sign-in attempts from this address. Wait 15 minutes")
        assert page.url.endswith("/login/"), "the right password was not even checked"
        screenshot(page, "login-too-many-failures-phone")
    finally:
        context.close()
        cache_clear()
