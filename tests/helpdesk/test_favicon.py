"""Every page names its icon, and /favicon.ico (asked by pages that name none) leads to it: no 404 per page."""

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import login


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/widget/frame/", "/demo/exchange/?user=demo-alice"])
def test_pages_name_the_icon_and_the_icon_exists(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'rel="icon"' in response.content
    assert finders.find("favicon.svg")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")


@pytest.mark.browser
def test_no_page_logs_a_404_in_chromium(page, asgi_server, alice):
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{asgi_server}/login/")
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    for path in ("/console/", "/tickets/", "/recovery/cases/", "/history/", "/admin/login/"):
        page.goto(f"{asgi_server}{path}")
        page.wait_for_load_state("networkidle")
    assert missing == []
