"""Staff sign-in in Chromium: passkeys with a virtual authenticator (DevTools' WebAuthn domain), the second step,
enrolment, recovery codes, the sessions page, single sign-on through a real OpenID Provider; screenshots."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from accounts import sso
from accounts.models import StaffSession
from tests.conftest import login, screenshot
from tests.support import oidc, staff

pytestmark = pytest.mark.browser
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Safari/604.1"


@pytest.fixture
def localhost(asgi_server, settings):
    """Passkeys need a domain (an IP address cannot be a relying party): the same server as http://localhost."""
    base = asgi_server.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    return base


def virtual_authenticator(page) -> dict:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return {"cdp": cdp, "id": authenticator["authenticatorId"]}


def sign_out(page, base: str) -> None:
    page.goto(f"{base}/account/security/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login/")


def test_a_supervisor_adds_a_passkey_then_signs_in_with_it_alone_and_as_the_second_step(page, localhost, sofia):
    authenticator = virtual_authenticator(page)
    login(page, localhost, "sofia@test.example", "pw-sofia-123")  # password + a pyotp code
    page.goto(f"{localhost}/account/security/")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(f"{localhost}/account/security/recovery-codes/")  # her first codes come with it
    assert page.locator(".recovery-codes li").count() == 10
    credential = WebAuthnCredential.objects.get(user=sofia)
    stored = authenticator["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": authenticator["id"]})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]

    sign_out(page, localhost)
    page.get_by_role("button", name="Sign in with a passkey").click()  # no email, no password
    page.wait_for_url(f"{localhost}/console/")
    page.goto(f"{localhost}/monitor/")
    assert page.url == f"{localhost}/monitor/"
    assert StaffSession.objects.filter(user=sofia, via="passkey", second_factor="passkey").count() == 1

    sign_out(page, localhost)
    page.fill("#id_username", "sofia@test.example")
    page.fill("#id_password", "pw-sofia-123")
    page.click("main form button.primary")
    page.wait_for_url(f"{localhost}/login/verify/**")
    page.get_by_role("button", name="Use a passkey instead").click()
    page.wait_for_url(f"{localhost}/console/")
    credential.refresh_from_db()
    assert credential.sign_count >= 2 and credential.last_used_at is not None
    assert page.js_errors == []


def test_a_new_supervisor_enrols_with_a_passkey_on_first_sign_in(page, localhost, sofia):
    virtual_authenticator(page)
    page.goto(f"{localhost}/login/")
    page.fill("#id_username", "sofia@test.example")
    page.fill("#id_password", "pw-sofia-123")
    page.click("main form button.primary")
    page.wait_for_url(f"{localhost}/account/security/**")
    assert page.get_by_role("navigation", name="Main").locator("a").count() == 0  # nothing else to reach
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(f"{localhost}/account/security/recovery-codes/")
    page.get_by_role("link", name="I have saved them").click()
    page.goto(f"{localhost}/monitor/")
    assert page.url == f"{localhost}/monitor/"


def test_a_cancelled_passkey_prompt_is_explained(page, localhost, sofia):
    staff.totp_device(sofia)
    authenticator = virtual_authenticator(page)
    authenticator["cdp"].send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator["id"], "isUserVerified": False}
    )
    page.goto(f"{localhost}/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    status = page.locator("#passkey-status.is-error")
    status.wait_for(state="visible")
    assert "passkey" in status.inner_text()
    assert page.url.startswith(f"{localhost}/login/")


def test_sso_in_chromium_through_the_providers_own_pages(page, asgi_server, settings):
    with oidc.oidc_provider(f"{asgi_server}/login/sso/callback/", {"sofia": {
        "email": "sofia@corp.example", "email_verified": True, "name": "Sofia", "helpdesk_role": "supervisor",
    }}) as issuer:  # fmt: skip
        settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = issuer, oidc.CLIENT_ID
        settings.OIDC_CLIENT_SECRET = oidc.CLIENT_SECRET
        sso._client.cache_clear()
        page.goto(f"{asgi_server}/login/")
        screenshot(page, "signin-with-sso-1280")
        page.get_by_role("link", name="Sign in with single sign-on").click()
        page.fill("input[name=login]", "sofia")
        page.fill("input[name=password]", "anything")
        page.click("button[type=submit]")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{asgi_server}/console/")
        page.goto(f"{asgi_server}/monitor/")
        assert page.url == f"{asgi_server}/monitor/"
        sso._client.cache_clear()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_screenshots_of_the_sign_in_pages(browser, asgi_server, sofia, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    staff.totp_device(sofia)
    page.goto(f"{asgi_server}/login/")
    screenshot(page, f"signin-{width}")
    page.fill("#id_username", "sofia@test.example")
    page.fill("#id_password", "pw-sofia-123")
    page.click("main form button.primary")
    page.fill("#id_code", "111111")
    page.click("main form button.primary")
    screenshot(page, f"signin-second-step-refused-{width}")
    page.fill("#id_code", staff.totp_code(sofia))
    page.click("main form button.primary")
    page.goto(f"{asgi_server}/account/security/")
    screenshot(page, f"account-security-{width}")
    page.goto(f"{asgi_server}/account/security/totp/")
    screenshot(page, f"account-totp-enrol-{width}")
    page.goto(f"{asgi_server}/account/security/recovery-codes/")
    page.get_by_role("button", name="Make new recovery codes").click()
    screenshot(page, f"account-recovery-codes-{width}")
    other = browser.new_context(user_agent=IPHONE)
    login(other.new_page(), asgi_server, "sofia@test.example", "pw-sofia-123")
    page.goto(f"{asgi_server}/account/sessions/")
    assert page.locator(".session-list > li").count() == 2
    screenshot(page, f"account-sessions-{width}")
    page.get_by_role("button", name="End this session").click()
    assert page.locator(".session-list > li").count() == 1
    other.close()
    context.close()


def test_the_second_step_in_arabic_reads_right_to_left(browser, asgi_server, sofia):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    page = context.new_page()
    staff.totp_device(sofia)
    page.goto(f"{asgi_server}/login/")
    page.fill("#id_username", "sofia@test.example")
    page.fill("#id_password", "pw-sofia-123")
    page.click("main form button.primary")
    page.wait_for_url(f"{asgi_server}/login/verify/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "signin-second-step-ar-390")
    context.close()


def test_an_open_console_leaves_for_the_sign_in_when_its_session_is_ended_elsewhere(browser, asgi_server, alice):
    from tests.chat.pages import DESK, console_as_alice

    desk, console = console_as_alice(browser, asgi_server, DESK)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=IPHONE)
    other = phone.new_page()
    login(other, asgi_server, "alice@test.example", "pw-alice-123")
    other.goto(f"{asgi_server}/account/sessions/")
    other.get_by_role("button", name="End all other sessions").click()
    console.wait_for_url(f"{asgi_server}/login/?next=/console/", timeout=15000)
    assert console.get_by_label("Password").is_visible()
    phone.close()
    desk.close()
