"""Supervision pages in a real Chromium against the real ASGI server (uvicorn), PostgreSQL and Redis."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from chat import services as chat_services
from tests.conftest import login, require, screenshot
from tests.supervisor.factories import chat, person

pytestmark = pytest.mark.browser


def in_thread(function, **kwargs):
    """Call a service outside this thread: Playwright's sync API keeps an event loop running here, and the
    service's after-commit broadcast (async_to_sync) refuses to run beside one."""

    def run():
        try:
            return function(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def signed_in_supervisor(page, asgi_server, sofia):
    login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
    return page


def test_live_monitoring_shows_new_messages(signed_in_supervisor, asgi_server, alice, customer):
    require("redis", "postgres")
    page = signed_in_supervisor
    conversation = chat(customer, ["My BNB never arrived"], agent=alice)
    page.goto(f"{asgi_server}/monitor/")
    page.wait_for_selector("#socket-state:text('live')")
    page.click(f"[data-watch='{conversation.pk}']")
    page.wait_for_selector("#watch-messages li:has-text('My BNB never arrived')")

    in_thread(
        chat_services.customer_message_post,
        customer=customer,
        conversation_id=conversation.pk,
        client_msg_id=uuid.uuid4(),
        body="Still waiting, sorry",
    )
    page.wait_for_selector("#watch-messages li:has-text('Still waiting, sorry')", timeout=5000)

    page.fill("#note-body", "Offer to stay with them while we check.")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#watch-messages li.kind-note:has-text('Offer to stay with them')", timeout=5000)
    assert page.locator("#watch-messages li:has-text('Still waiting, sorry')").count() == 1  # never twice
    screenshot(page, "supervisor-monitor")
    assert page.js_errors == []


def test_reassign_from_the_monitor(signed_in_supervisor, asgi_server, alice, bob, customer):
    require("redis", "postgres")
    page = signed_in_supervisor
    conversation = chat(customer, ["Help with a withdrawal"], agent=alice)
    page.goto(f"{asgi_server}/monitor/?watch={conversation.pk}")
    page.wait_for_selector("#watch-messages li:has-text('Help with a withdrawal')")
    page.select_option("#reassign-agent", str(bob.pk))
    page.fill("#reassign-reason", "Bob knows this network well")
    page.click("#reassign-form button[type=submit]")
    page.wait_for_selector(".flash:has-text('is now with Bob')")
    page.wait_for_selector("#watch-messages li:has-text('Bob knows this network well')")
    conversation.refresh_from_db()
    assert conversation.assignee_id == bob.pk
    assert page.js_errors == []


def test_history_search_and_transcript(signed_in_supervisor, asgi_server, alice):
    page = signed_in_supervisor
    ivan = person("b-ivan", name="Иван Петров", locale="ru", vip="gold")
    wanted = chat(ivan, ["Мой перевод USDT не пришёл на кошелёк"], agent=alice, end=True, answer="partly")
    for n in range(4):
        chat(person(f"b-{n}", name=f"Customer {n}"), [f"Question {n} about fees"], agent=alice, end=True, answer="yes")
    page.goto(f"{asgi_server}/history/")
    page.fill("#id_q", "кошелёк")
    page.click("button:has-text('Search')")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.history-list tbody tr")
    assert rows.count() == 1
    screenshot(page, "supervisor-history")
    page.click(f"a[href='/history/{wanted.pk}/'] >> nth=0")
    page.wait_for_selector("ol.timeline")
    assert page.locator(".heard-summary").inner_text().find("Partly") > 0
    screenshot(page, "supervisor-transcript")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".exports").is_visible()
    page.emulate_media(media="screen")
    assert page.js_errors == []


def test_agents_get_no_supervisor_pages(page, asgi_server, alice, bob):
    chat(person("mine", name="Layla", locale="ar"), ["لم تصل الأموال إلى محفظتي"], agent=alice, end=True, answer="yes")
    chat(person("theirs", name="Not Alice's"), ["private to Bob"], agent=bob, end=True)
    login(page, asgi_server, "alice@test.example", "pw-alice-123")
    for path in ("/monitor/", "/dashboard/"):
        response = page.goto(f"{asgi_server}{path}")
        assert response.status == 404
    nav = page.goto(f"{asgi_server}/history/")
    assert nav.status == 200
    assert page.locator("table.history-list tbody tr").count() == 1
    assert page.locator("text=Not Alice's").count() == 0
    assert page.locator("#id_agent").count() == 0
    screenshot(page, "supervisor-history-agent")
    assert page.locator("nav a:has-text('Live')").count() == 0


def test_dashboard_renders_charts(signed_in_supervisor, asgi_server, alice):
    page = signed_in_supervisor
    for n, answer in enumerate(["yes", "yes", "partly", "no"]):
        chat(person(f"dash-{n}", name=f"Dash {n}"), [f"question {n}"], agent=alice, end=True, answer=answer)
    page.goto(f"{asgi_server}/dashboard/")
    assert page.locator("section.chart svg").count() >= 4
    assert page.locator("#chart-heard rect.seg-yes").count() >= 1
    screenshot(page, "supervisor-dashboard")
    assert page.js_errors == []


MONITOR_LANGUAGES = {"ru-RU": "ru", "ar": "ar", "zh-CN": "zh_Hans", "fil": "fil", "bn": "bn"}


@pytest.mark.parametrize("browser_locale", MONITOR_LANGUAGES)
def test_the_monitor_speaks_the_supervisors_language(browser, asgi_server, sofia, alice, bob, customer, browser_locale):
    """The socket's state, the watched chat's title and a note's label come from the script, the rows from a fragment,
    the reassign's choices and notices from the view, the role badge from the model's choices: all in the page's
    language (they were the English words left on the page)."""
    from tests.i18n.catalogues import entries

    require("redis", "postgres")
    folder = MONITOR_LANGUAGES[browser_locale]
    said, script = ({e["msgid"]: e["msgstr"][0] for e in entries(folder, domain)} for domain in ("django", "djangojs"))
    conversation = chat(customer, ["Мой вывод завис"], agent=alice)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=browser_locale)
    page, errors = context.new_page(), []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
    page.goto(f"{asgi_server}/monitor/?watch={conversation.pk}")
    expect(page.locator("#socket-state")).to_have_text(script["live"])
    expect(page.locator(f"[data-watch='{conversation.pk}']")).to_have_text(said["Watch"])
    expect(page.locator(".role-badge")).to_have_text(said["Supervisor"])  # the only "Supervisor" is the role's
    title = script["{customer} — with {agent}"].format(customer=customer.display_name, agent=alice.display_name)
    expect(page.locator("#watch-title")).to_have_text(title)
    page.fill("#note-body", "Stay with them while we check.")
    page.click("#note-form button[type=submit]")
    note = page.locator("#watch-messages li.kind-note .meta")
    expect(note).to_contain_text(script["Internal note"])
    screenshot(page, f"supervisor-monitor-{browser_locale}")
    # Nobody is chosen for the supervisor; each person shows how they are now and what they hold (Alice: this chat).
    expect(page.locator("#reassign-agent")).to_have_value("")
    expect(page.locator("#reassign-agent option:checked")).to_have_text(said["Choose an agent"])
    holding = {"name": alice.display_name, "presence": said["Offline"], "chats": 1}  # no console of hers is open
    expect(page.locator(f"#reassign-agent option[value='{alice.pk}']")).to_have_text(
        said["%(name)s (%(presence)s, chats: %(chats)s)"] % holding
    )
    page.fill("#reassign-reason", "Bob knows this network well")
    page.select_option("#reassign-agent", str(bob.pk))
    page.click("#reassign-form button[type=submit]")
    moved = {"customer": customer.display_name, "agent": bob.display_name}
    expect(page.locator(".flash")).to_have_text(said["The chat with %(customer)s is now with %(agent)s."] % moved)
    assert errors == []
    context.close()
