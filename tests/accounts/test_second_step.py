"""The sign-in's second step: a password alone reaches nothing but the step itself and enrolment."""

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, StaffSession, User
from accounts.services import staff_upsert
from tests.support import staff
from tests.support.cache import cache_clear

SOFIA = {"username": "sofia@test.example", "password": "pw-sofia-123"}
# Every kind of page a password-only supervisor must not reach: console, tickets, history, monitor, dashboard,
# the admin, the account pages past enrolment.
GUARDED = ["/console/", "/tickets/", "/history/", "/monitor/", "/dashboard/", "/admin/", "/account/sessions/"]


@pytest.fixture(autouse=True)
def _forget_failed_logins():
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def sofia_with_app(sofia):
    staff.totp_device(sofia)
    return sofia


def password_only(credentials=SOFIA, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    assert client.post("/login/", credentials).status_code == 302
    return client


def code_for(user) -> str:
    return staff.totp_code(user)


@pytest.mark.django_db
def test_a_password_only_supervisor_reaches_nothing_but_the_second_step(sofia_with_app):
    client = password_only()
    assert client.get("/", follow=True).redirect_chain[-1][0].startswith("/login/verify/")
    for url in GUARDED:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/verify/?next="), url
    refused = client.post("/chat/survey/1/", {"answer": "yes"})
    assert refused.status_code == 403 and refused.json()["error"] == "second_factor_required"
    assert client.get("/login/verify/").status_code == 200


@pytest.mark.django_db
def test_a_password_only_session_is_no_api_session(sofia_with_app):
    client = password_only()
    response = client.get("/api/v1/tickets/")
    assert response.status_code in {401, 403}
    assert "results" not in response.content.decode()


@pytest.mark.django_db
def test_the_second_step_takes_the_apps_code_and_a_new_session_key(sofia_with_app):
    client = password_only()
    key_before = client.cookies["sessionid"].value
    response = client.post("/login/verify/", {"code": code_for(sofia_with_app), "next": "/monitor/"})
    assert response.status_code == 302 and response["Location"] == "/monitor/"
    assert client.cookies["sessionid"].value != key_before  # whoever held the password-only key gains nothing
    for url in ["/console/", "/monitor/"]:
        assert client.get(url).status_code == 200
    assert StaffSession.objects.get(user=sofia_with_app, ended_at=None).second_factor == "totp"


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_a_used_code_is_not_accepted_again(sofia_with_app):
    client = password_only()
    assert client.post("/login/verify/", {"code": "000000"}).status_code == 400
    device = TOTPDevice.objects.get(user=sofia_with_app)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # django-otp's 1 s back-off
    code = code_for(sofia_with_app)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    replay = password_only()
    assert replay.post("/login/verify/", {"code": code}).status_code == 400
    assert replay.get("/console/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_count_against_the_same_limit_as_wrong_passwords(sofia_with_app, settings):
    settings.LOGIN_RATE_LIMIT = 3
    client = Client()
    assert client.post("/login/", {**SOFIA, "password": "wrong"}).status_code == 200
    assert client.post("/login/", SOFIA).status_code == 302
    for _ in range(2):
        TOTPDevice.objects.filter(user=sofia_with_app).update(throttling_failure_count=0)
        assert client.post("/login/verify/", {"code": "123456"}).status_code == 400
    refused = client.post("/login/verify/", {"code": code_for(sofia_with_app)})
    assert refused.status_code == 429  # even the right code: the address spent its 3 failures
    assert client.get("/console/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_count_per_account_across_addresses(sofia_with_app, settings):
    settings.LOGIN_RATE_LIMIT, settings.LOGIN_ACCOUNT_RATE_LIMIT = 100, 2
    for n in range(2):
        client = password_only(REMOTE_ADDR=f"203.0.113.{n}")
        TOTPDevice.objects.filter(user=sofia_with_app).update(throttling_failure_count=0)
        assert client.post("/login/verify/", {"code": "654321"}).status_code == 400
    # the account's budget is spent: the password is refused too, from any address
    assert Client(REMOTE_ADDR="203.0.113.50").post("/login/", SOFIA).status_code == 429


@pytest.mark.django_db
def test_a_recovery_code_works_once(sofia_with_app):
    client = Client()
    client.force_login(sofia_with_app)
    client.post("/account/security/recovery-codes/")
    codes = client.get("/account/security/recovery-codes/").context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=sofia_with_app).count() == 10
    first = password_only()
    assert first.post("/login/verify/", {"code": codes[0].upper()}).status_code == 302
    assert first.get("/console/").status_code == 200
    again = password_only()
    assert again.post("/login/verify/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=sofia_with_app).count() == 9


@pytest.mark.django_db
def test_new_recovery_codes_are_shown_once(sofia_with_app):
    client = Client()
    client.force_login(sofia_with_app)
    client.post("/account/security/recovery-codes/")
    first = client.get("/account/security/recovery-codes/")
    assert len(first.context["codes"]) == 10
    later = client.get("/account/security/recovery-codes/")
    assert later.context["codes"] is None and "10 recovery codes left" in later.content.decode()


@pytest.mark.django_db
def test_a_supervisor_without_a_factor_enrols_an_authenticator_app_then_gets_recovery_codes(sofia):
    client = password_only()
    landing = client.get("/console/")
    assert landing["Location"].startswith("/account/security/")
    page = client.get("/account/security/totp/")
    assert page.status_code == 200 and page.context["qr_svg"].startswith("data:image/svg+xml")
    secret = page.context["secret"].replace(" ", "")
    assert client.post("/account/security/totp/", {"code": "000000"}).status_code == 400
    TOTPDevice.objects.filter(user=sofia).update(throttling_failure_count=0)
    response = client.post("/account/security/totp/", {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/account/security/recovery-codes/"
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10
    assert client.get("/console/").status_code == 200  # enrolling in this session passed its second step


@pytest.mark.django_db
def test_a_stolen_password_cannot_enrol_the_thiefs_own_app_or_passkey(sofia_with_app):
    client = password_only()
    assert client.get("/account/security/totp/")["Location"] == "/login/verify/"
    assert client.post("/account/security/totp/", {"code": "123456"})["Location"] == "/login/verify/"
    begin = client.post("/account/passkeys/registration/begin/", content_type="application/json")
    assert begin.status_code == 403 and begin.json()["code"] == "user_not_verified"
    assert TOTPDevice.objects.filter(user=sofia_with_app).count() == 1


@pytest.mark.django_db
def test_an_agent_needs_no_second_factor_by_default_but_is_asked_once_they_set_one_up(alice):
    client = password_only({"username": "alice@test.example", "password": "pw-alice-123"})
    assert client.get("/console/").status_code == 200
    staff.totp_device(alice)  # a factor change ends her sessions; she signs in again
    again = password_only({"username": "alice@test.example", "password": "pw-alice-123"})
    assert again.get("/console/")["Location"].startswith("/login/verify/")


@pytest.mark.django_db
@pytest.mark.parametrize(("required", "agent_asked", "supervisor_asked"), [("none", False, False), ("all", True, True)])
def test_who_needs_a_second_factor_follows_the_setting(settings, alice, sofia, required, agent_asked, supervisor_asked):
    settings.MFA_REQUIRED_ROLES = {"none": frozenset(), "all": frozenset(settings.STAFF_ROLES)}[required]
    for credentials, asked in [
        ({"username": "alice@test.example", "password": "pw-alice-123"}, agent_asked),
        (SOFIA, supervisor_asked),
    ]:
        response = password_only(credentials).get("/console/")
        assert (response.status_code == 302) == asked, credentials


@pytest.mark.django_db
def test_the_admin_sign_in_leads_to_the_same_second_step():
    admin, _ = staff_upsert(email="root@test.example", password="pw-root-long-1", role=Role.ADMIN)
    staff.totp_device(admin)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": "pw-root-long-1"})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/login/verify/")
    client.post("/login/verify/", {"code": code_for(admin)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_password_sign_in_can_be_switched_off_everywhere(settings, sofia_with_app):
    settings.PASSWORD_LOGIN = False
    settings.OIDC_ISSUER = "http://127.0.0.1:9/unused"
    page = Client().get("/login/").content.decode()
    assert 'name="password"' not in page and "single sign-on" in page
    assert Client().post("/login/", SOFIA).status_code == 200  # the form is refused like a wrong password
    admin_client = Client()
    assert admin_client.post("/admin/login/", SOFIA).status_code == 200  # the admin's form, shown again
    assert admin_client.get("/admin/")["Location"].startswith("/admin/login/")
    passkey = Client().post("/account/passkeys/authentication/begin/", content_type="application/json")
    assert passkey.status_code == 403  # a passkey alone is a way in that bypasses the identity provider


@pytest.mark.django_db
def test_createagent_enrols_an_authenticator_app_for_automation():
    secret = pyotp.random_base32()
    call_command("createagent", "ops@test.example", "--password", "pw-ops-long-1", "--role", "supervisor",
                 "--totp-secret", secret)  # fmt: skip
    client = password_only({"username": "ops@test.example", "password": "pw-ops-long-1"})
    assert client.post("/login/verify/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/monitor/").status_code == 200
    with pytest.raises(CommandError, match="base32"):
        call_command("createagent", "ops@test.example", "--totp-secret", "not base32 at all!")


@pytest.mark.django_db
def test_the_demo_supervisor_signs_in_with_the_published_key(settings, capsys):
    call_command("seed_demo")
    assert "authenticator key" in capsys.readouterr().out
    call_command("democode", "supervisor@demo.test")
    code = capsys.readouterr().out.strip()
    client = password_only({"username": "supervisor@demo.test", "password": "helpdesk-demo"})
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    assert client.get("/monitor/").status_code == 200
    with pytest.raises(CommandError):
        call_command("democode", "amir@demo.test")  # no published key: never prints a real person's code
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("democode", "supervisor@demo.test")


@pytest.mark.django_db
def test_resetfactors_sends_the_next_sign_in_to_enrolment(sofia_with_app):
    call_command("resetfactors", "sofia@test.example")
    assert not TOTPDevice.objects.filter(user=sofia_with_app).exists()
    assert password_only().get("/console/")["Location"].startswith("/account/security/")
    assert User.objects.get(pk=sofia_with_app.pk).is_active
