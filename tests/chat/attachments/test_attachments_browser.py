"""Attachments in Chromium: the widget on a phone and the console, offline then online, a reload in between, a
2G-like link (CDP network emulation), paste and drop, the viewer by keyboard, refusals in the customer's language."""

import io
import re
import time

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from chat.models import Attachment, Message
from tests.chat import pages
from tests.chat.attachments import samples
from tests.chat.pages import PHONE, agent_accepts, customer_says, open_page, open_widget
from tests.conftest import require, screenshot

pytestmark = pytest.mark.browser

agent_page = pages.agent_page

TWO_G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 250_000 / 8}


def wallet_screenshot(size=(780, 1400), noise: bool = False) -> bytes:
    """What customers send most: a phone screenshot of a wallet's send screen."""
    image = Image.new("RGB", size, (246, 248, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 160), fill=(47, 111, 106))
    draw.text((40, 70), "Send USDT", fill=(255, 255, 255), font_size=48)
    draw.text((40, 240), "Network: BNB Smart Chain (BEP20)", fill=(29, 36, 48), font_size=34)
    draw.text((40, 320), "To: 0x9f2c...4b1e", fill=(29, 36, 48), font_size=34)
    draw.text((40, 400), "Amount: 250.00 USDT", fill=(29, 36, 48), font_size=34)
    draw.rounded_rectangle((40, 1200, size[0] - 40, 1300), radius=24, fill=(47, 111, 106))
    if noise:  # does not compress: a real upload's worth of bytes on a slow link
        image.paste(Image.effect_noise((size[0], 300), 90).convert("RGB"), (0, 600))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def file(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


@pytest.fixture
def phone(browser, asgi_server):
    require("postgres", "redis")
    context, page = open_page(browser, PHONE)
    yield page
    context.close()


def start_chat(phone, agent, base, user="demo-alice", name="Alice Moreau", words="Hello, I need help"):
    widget = open_widget(phone, base, user=user)
    customer_says(widget, words)
    return widget, agent_accepts(agent, name)


def sent_pictures(widget):
    return widget.locator("#w-messages .att-picture img")


def loaded(locator, timeout: float = 15) -> bool:
    """The picture has arrived and decoded (on a loaded machine the <img> exists a moment before its pixels)."""
    deadline = time.monotonic() + timeout
    while not locator.evaluate("img => img.complete && img.naturalWidth > 0"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize(
    ("user", "name", "lang"), [("demo-alice", "Alice Moreau", "en"), ("demo-layla", "ليلى حسن", "ar")]
)
def test_a_customer_previews_and_sends_a_picture_and_the_agent_opens_it_in_the_viewer(
    phone, agent_page, asgi_server, user, name, lang
):
    widget, pane = start_chat(phone, agent_page, asgi_server, user=user, name=name)
    widget.locator("#w-file").set_input_files(file("wallet send screen.png", wallet_screenshot()))
    tray = widget.locator("#w-tray")
    expect(tray.locator(".att-chosen img.att-preview")).to_have_count(1)
    expect(tray.locator(".att-name")).to_have_text("wallet send screen.png")
    if lang == "ar":
        expect(widget.locator("#w-attach")).to_have_attribute("aria-label", "إرفاق ملف")
        expect(tray.locator(".att-remove")).to_have_attribute("aria-label", "إزالة wallet send screen.png")
    widget.locator("#w-input").fill("This is my wallet" if lang == "en" else "هذه محفظتي")
    screenshot(phone, f"attachments-widget-preview-390-{lang}")
    widget.locator("#w-input").press("Enter")
    expect(tray).to_be_hidden()
    expect(sent_pictures(widget)).to_have_count(1, timeout=15000)
    expect(widget.locator("#w-pending .msg")).to_have_count(0)
    assert loaded(sent_pictures(widget).first)
    screenshot(phone, f"attachments-widget-sent-390-{lang}")

    stored = Attachment.objects.get()
    assert stored.name == "wallet send screen.png" and stored.message.body in ("This is my wallet", "هذه محفظتي")
    picture = pane.locator(".pane-messages .att-picture")
    expect(picture).to_have_count(1)
    assert loaded(picture.locator("img"))
    if lang == "en":
        picture.focus()
        agent_page.keyboard.press("Enter")  # by keyboard
        viewer = agent_page.locator("dialog.att-viewer")
        expect(viewer).to_be_visible()
        expect(viewer).to_have_attribute("aria-labelledby", "att-viewer-title")
        expect(viewer.locator(".att-viewer-title")).to_have_text("wallet send screen.png")
        expect(viewer.get_by_role("button", name="Close")).to_be_focused()
        expect(viewer.locator(".att-viewer-img")).to_have_attribute("alt", "wallet send screen.png")
        agent_page.wait_for_function("() => document.querySelector('.att-viewer-img').naturalWidth === 780")
        for _ in range(3):  # Tab goes round inside the dialog, never behind it
            agent_page.keyboard.press("Tab")
            assert agent_page.evaluate("document.activeElement.closest('dialog.att-viewer') !== null")
        screenshot(agent_page, "attachments-console-viewer-1280")
        agent_page.keyboard.press("Escape")
        expect(viewer).to_be_hidden()
        expect(picture).to_be_focused()  # back where the agent was
        screenshot(agent_page, "attachments-console-picture-1280")
    assert phone.js_errors == [] and agent_page.js_errors == []


def test_a_file_picked_offline_waits_and_is_sent_once_when_the_link_returns(phone, agent_page, asgi_server):
    widget, _pane = start_chat(phone, agent_page, asgi_server)
    phone.context.set_offline(True)
    expect(widget.locator("#w-state")).to_have_attribute("data-state", "offline")
    widget.locator("#w-file").set_input_files(file("receipt.png", samples.png((300, 200))))
    widget.locator("#w-input").fill("Sent while offline")
    widget.locator("#w-input").press("Enter")
    pending = widget.locator("#w-pending .msg-pending")
    expect(pending).to_have_count(1)
    expect(pending.locator(".msg-status")).to_have_text("Waiting to send")
    expect(pending.locator(".att-progress")).to_have_attribute("aria-label", "Uploading receipt.png")
    time.sleep(1.0)
    assert not Attachment.objects.exists()
    phone.context.set_offline(False)
    expect(sent_pictures(widget)).to_have_count(1, timeout=20000)
    expect(widget.locator("#w-pending .msg")).to_have_count(0)
    time.sleep(1.0)  # time for a duplicate to show up, if there were one
    assert Message.objects.filter(body="Sent while offline").count() == 1
    assert Attachment.objects.filter(message__isnull=False).count() == 1 and Attachment.objects.count() == 1


def test_a_queued_file_survives_a_reload_and_is_sent_once(phone, agent_page, asgi_server):
    widget, _pane = start_chat(phone, agent_page, asgi_server)
    blocked = re.compile(r".*/chat/attachments/$")
    phone.route(blocked, lambda route: route.abort("internetdisconnected"))  # the upload cannot get through
    widget.locator("#w-file").set_input_files(file("statement.pdf", samples.pdf(), "application/pdf"))
    widget.locator("#w-input").fill("My bank statement")
    widget.locator("#w-input").press("Enter")
    expect(widget.locator("#w-pending .msg-pending")).to_have_count(1)
    phone.reload()
    widget = phone.frame_locator("#helpdesk-frame")
    phone.get_by_role("button", name=re.compile("Chat with support")).click()
    pending = widget.locator("#w-pending .msg-pending")
    expect(pending).to_have_count(1)  # from IndexedDB: the words and the file
    expect(pending.locator(".att-name")).to_have_text("statement.pdf")
    expect(pending.locator(".msg-body")).to_have_text("My bank statement")
    assert not Attachment.objects.exists()
    phone.unroute(blocked)
    expect(widget.locator("#w-messages .att-file .att-name")).to_have_text("statement.pdf", timeout=20000)
    expect(widget.locator("#w-pending .msg")).to_have_count(0)
    time.sleep(1.0)
    assert Message.objects.filter(body="My bank statement").count() == 1
    assert Attachment.objects.get().message.body == "My bank statement"


def test_an_upload_on_a_2g_link_shows_its_progress_and_arrives(phone, agent_page, asgi_server):
    widget, pane = start_chat(phone, agent_page, asgi_server)
    data = wallet_screenshot(noise=True)
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", TWO_G)
    widget.locator("#w-file").set_input_files(file("wallet.png", data))
    started = time.monotonic()
    widget.locator("#w-input").press("Enter")  # files alone: no words needed
    bar = widget.locator("#w-pending .att-progress")
    phone.wait_for_timeout(300)
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and bar.count():
        try:
            seen.add(int(bar.evaluate("bar => bar.value", timeout=1000)))
        except Exception:
            break  # the bubble was replaced by the sent message
        phone.wait_for_timeout(200)
    expect(sent_pictures(widget)).to_have_count(1, timeout=60000)
    took = time.monotonic() - started
    print(f"2G upload of {len(data)} bytes: {took:.1f} s; progress values seen: {sorted(seen)}")
    assert any(0 < value < 100 for value in seen), "the bar moved while the bytes went up"
    assert took > len(data) / (250_000 / 8) * 0.8, "the throttle applied"
    expect(pane.locator(".pane-messages .att-picture")).to_have_count(1)
    screenshot(phone, "attachments-widget-2g-390")


def test_paste_and_drop_add_files_and_a_refusal_is_in_the_customers_language(phone, agent_page, asgi_server):
    widget, _pane = start_chat(phone, agent_page, asgi_server, user="demo-ivan", name="Иван Петров", words="Привет")
    frame = next(f for f in phone.frames if "/widget/frame/" in f.url)
    frame.evaluate(
        """() => {
          const make = (name, type, text) => new File([text], name, { type });
          const paste = new DataTransfer();
          paste.items.add(make("pasted.png", "image/png", "<html><script>alert(1)</script></html>"));
          document.getElementById("w-input").dispatchEvent(
            new ClipboardEvent("paste", { clipboardData: paste, bubbles: true, cancelable: true }));
          const drop = new DataTransfer();
          drop.items.add(make("dropped.pdf", "application/pdf", "%PDF-1.4\\n%%EOF\\n"));
          const widget = document.getElementById("widget");
          widget.dispatchEvent(new DragEvent("dragover", { dataTransfer: drop, bubbles: true, cancelable: true }));
          widget.dispatchEvent(new DragEvent("drop", { dataTransfer: drop, bubbles: true, cancelable: true }));
        }"""
    )
    expect(widget.locator("#w-tray .att-name")).to_have_text(["pasted.png", "dropped.pdf"])
    widget.locator("#w-tray .att-remove").last.click()  # changed their mind about the PDF
    expect(widget.locator("#w-tray .att-name")).to_have_text(["pasted.png"])
    widget.locator("#w-input").press("Enter")
    failed = widget.locator("#w-pending .msg-failed")
    # HTML named .png: refused by the server, in Ivan's language, and nothing is stored.
    refusal = "Не отправлено: можно отправлять только изображения (PNG, JPEG, WebP, GIF, HEIC) и PDF-файлы"  # noqa: RUF001
    expect(failed.locator(".msg-status")).to_have_text(refusal, timeout=15000)
    expect(failed.locator(".att-cancel")).to_have_text("Убрать")
    assert not Attachment.objects.exists()
    failed.locator(".att-cancel").click()
    expect(widget.locator("#w-pending .msg")).to_have_count(0)


def test_the_console_sends_files_in_a_note_and_a_reply_and_the_customer_sees_only_the_reply(
    phone, agent_page, asgi_server
):
    widget, pane = start_chat(phone, agent_page, asgi_server)
    pane.get_by_label("Internal note").check()
    pane.locator(".att-picker").set_input_files(file("kyc-check.png", samples.png((400, 300))))
    pane.locator(".composer-input").fill("Compare with the KYC photo")
    pane.locator(".composer-input").press("Enter")
    note = pane.locator(".pane-messages .msg-kind-note", has_text="Compare with the KYC photo")
    expect(note.locator(".att-picture")).to_have_count(1, timeout=15000)
    pane.get_by_label("Reply").check()
    agent_page.context.set_offline(True)  # the agent's link drops: the reply waits with its file
    pane.locator(".att-picker").set_input_files(file("how-to-bridge.pdf", samples.pdf(), "application/pdf"))
    pane.locator(".composer-input").fill("Here is the guide")
    pane.locator(".composer-input").press("Enter")
    expect(pane.locator(".pane-pending .msg-pending .att-name")).to_have_text("how-to-bridge.pdf")
    time.sleep(0.5)
    agent_page.context.set_offline(False)
    expect(widget.locator("#w-messages .att-file .att-name")).to_have_text("how-to-bridge.pdf", timeout=20000)
    expect(widget.locator("#w-messages .msg-body", has_text="Here is the guide")).to_have_count(1)
    everything = widget.locator("#w-messages").inner_text()
    assert "KYC" not in everything and "kyc-check" not in everything
    assert widget.locator("#w-messages .att-picture").count() == 0
    assert Message.objects.filter(body="Here is the guide").count() == 1
    assert Attachment.objects.get(name="kyc-check.png").message.kind == "note"
    assert agent_page.js_errors == [] and phone.js_errors == []


def test_a_supervisor_sees_the_files_in_the_live_monitor_and_the_transcript(browser, asgi_server, alice, sofia):
    require("postgres", "redis")
    from tests.chat.attachments import helpers
    from tests.chat.pages import off_the_loop
    from tests.conftest import login
    from tickets import services as tickets_services

    customer = tickets_services.customer_upsert(external_id="demo-alice", name="Alice Moreau", locale="en")
    conversation_id = off_the_loop(helpers.open_chat, customer, alice)
    picture = helpers.upload(wallet_screenshot(), customer=customer, name="wallet.png")
    off_the_loop(helpers.customer_sends, customer, [picture], body="my wallet", conversation_id=conversation_id)
    context, page = open_page(browser, {"width": 1280, "height": 800})
    try:
        login(page, asgi_server, "sofia@test.example", "pw-sofia-123")
        page.goto(f"{asgi_server}/monitor/?watch={conversation_id}")
        shown = page.locator("#watch-messages .att-picture img")
        expect(shown).to_have_count(1)
        page.wait_for_function("() => document.querySelector('#watch-messages .att-picture img')?.naturalWidth > 0")
        page.goto(f"{asgi_server}/history/{conversation_id}/")
        thumbnail = page.locator(".entry-files img")
        expect(thumbnail).to_have_count(1)
        assert loaded(thumbnail)
        screenshot(page, "attachments-transcript-1280")
        with page.expect_popup() as opened:
            page.locator(".entry-file").click()
        expect(opened.value.locator("img")).to_have_count(1)  # the signed link, after the lasting one redirected
        assert page.js_errors == []
    finally:
        context.close()
