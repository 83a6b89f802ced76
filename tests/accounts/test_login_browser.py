import pytest

from tests.conftest import login, screenshot

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
