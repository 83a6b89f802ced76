"""What a person sees when a page is refused at the door: a calm page in their language, the reason, a way back."""

import pytest

from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("locale", "width", "words"), [("en-GB", 1280, "NUL character"), ("ar", 390, "NUL")])
def test_a_refused_page_says_why_and_offers_a_way_back(browser, asgi_server, sofia, locale, width, words):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
    page = context.new_page()
    login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
    answer = page.goto(f"{asgi_server}/tickets/?q=%00")
    assert answer.status == 400
    assert words in page.locator("main").inner_text()
    assert page.locator("main a[href='/']").is_visible()
    screenshot(page, f"refused-page-{locale}-{width}")
    context.close()
