"""A strict Content-Security-Policy and security headers on every HTML page, and no inline script, inline
handler or inline style in any template or any rendered page (so the policy never needs 'unsafe-inline')."""

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.security.urlconf import fill, patterns

# Data blocks (json_script: type="application/json") never run, so the policy allows them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=[\"']application/json))[^>]*>\s*\S", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def templates() -> list[Path]:
    found = [p for p in (ROOT / "templates").rglob("*.html")]
    for app in ROOT.iterdir():
        if app.is_dir() and (app / "templates").is_dir() and app.name not in {".venv", "node_modules"}:
            found += list((app / "templates").rglob("*.html"))
    return found


def inline_problems(html: str) -> list[str]:
    problems = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on* handler", HANDLER_ATTRIBUTE),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> block", STYLE_BLOCK),
        ("javascript: URL", JS_URL),
    ]:
        problems += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return problems


def test_no_template_has_inline_script_handlers_or_styles():
    found = templates()
    assert len(found) >= 10, "the templates were found"
    problems = {str(path.relative_to(ROOT)): inline_problems(path.read_text()) for path in found}
    assert {path: p for path, p in problems.items() if p} == {}


def check_policy(url: str, response) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive] and "'unsafe-eval'" not in directives[directive], url
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    if "frame-ancestors 'none'" not in policy:
        assert url.startswith("/widget/frame/"), f"{url} may be framed"
    else:
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.django_db
def test_every_html_page_carries_the_strict_policy_and_renders_no_inline_code(client, world, sofia):
    client.force_login(sofia)
    checked = []
    for _name, route, converters in [(n, r, c) for r, n, c in patterns()]:
        url = fill(route, converters, world["ids"])
        if url is None:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        check_policy(url, response)
        assert inline_problems(response.content.decode()) == [], url
        checked.append(url)
    client.logout()
    for url in ("/login/", "/demo/exchange/", "/widget/frame/"):
        response = client.get(url)
        assert response.status_code == 200, url
        check_policy(url, response)
        assert inline_problems(response.content.decode()) == [], url
        checked.append(url)
    assert len(checked) >= 10, checked


@pytest.mark.django_db
def test_the_widget_frame_may_be_framed_only_by_the_configured_exchange_origins(client, settings):
    policy = client.get("/widget/frame/")["Content-Security-Policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", policy).group(1).split()
    assert ancestors and "*" not in ancestors and "http:" not in ancestors and "https:" not in ancestors


def test_the_scanner_catches_each_kind_of_inline_code():
    sample = (
        '<script>alert(1)</script><img src=x onerror="x()"><p style="color:red">'
        '<style>p{}</style><a href="javascript:x()">x</a><script src="/static/ok.js"></script>'
        '<script id="d" type="application/json">{"a":1}</script>'
    )
    kinds = sorted({problem.split(":")[0] for problem in inline_problems(sample)})
    assert kinds == ["<style> block", "inline <script>", "javascript", "on* handler", "style= attribute"]
