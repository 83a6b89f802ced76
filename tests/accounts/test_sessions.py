"""Staff sessions: absolute hours, ended by a password or factor change, listed and ended from a page."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import StaffSession
from accounts.useragent import describe

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Mobile/15E148 Safari/604.1"
)
ALICE = {"username": "alice@test.example", "password": "pw-alice-123"}


def signed_in(credentials=ALICE, **headers) -> Client:
    client = Client(**headers)
    assert client.post("/login/", credentials).status_code == 302
    return client


@pytest.mark.django_db
def test_a_session_ends_after_its_hours_however_busy_it_was(alice, settings):
    settings.STAFF_SESSION_HOURS = 12
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in()
        for _ in range(11):  # busy all day: not sliding
            clock.shift(timedelta(hours=1))
            assert client.get("/console/").status_code == 200
        clock.shift(timedelta(minutes=59))
        assert client.get("/console/").status_code == 200
        clock.shift(timedelta(minutes=2))
        response = client.get("/console/")
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
        again = signed_in()  # signing in again starts a new one; the old one is not listed
        assert again.get("/console/").status_code == 200
        assert len(again.get("/account/sessions/").context["sessions"]) == 1


@pytest.mark.django_db
def test_the_session_hours_are_a_setting(alice, settings):
    settings.STAFF_SESSION_HOURS = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in()
        clock.shift(timedelta(minutes=61))
        assert client.get("/console/").status_code == 302
    assert StaffSession.objects.get(user=alice).end_reason == "expired"


@pytest.mark.django_db
def test_a_session_the_helpdesk_did_not_open_is_not_accepted(alice):
    client = signed_in()
    StaffSession.objects.filter(user=alice).delete()
    assert client.get("/console/")["Location"].startswith("/login/")


@pytest.mark.django_db
def test_a_password_change_ends_every_other_session(alice):
    here, there = signed_in(), signed_in()
    response = here.post(
        "/account/password/",
        {"old_password": "pw-alice-123", "new_password1": "a-new-long-pw-9", "new_password2": "a-new-long-pw-9"},
    )
    assert response.status_code == 302
    assert here.get("/console/").status_code == 200
    assert there.get("/console/")["Location"].startswith("/login/")
    assert StaffSession.objects.get(user=alice, ended_at__isnull=False).end_reason == "password_changed"


@pytest.mark.django_db
def test_a_factor_change_ends_every_other_session(alice):
    here, there = signed_in(), signed_in()
    assert here.post("/account/security/recovery-codes/").status_code == 302
    assert here.get("/console/").status_code == 200
    assert there.get("/console/")["Location"].startswith("/login/")
    assert StaffSession.objects.get(user=alice, ended_at__isnull=False).end_reason == "factor_changed"


@pytest.mark.django_db
def test_the_sessions_page_lists_device_address_and_times_and_ends_another(alice, bob):
    laptop = signed_in(HTTP_USER_AGENT=CHROME_WINDOWS, REMOTE_ADDR="198.51.100.7")
    phone = signed_in(HTTP_USER_AGENT=SAFARI_IPHONE, REMOTE_ADDR="198.51.100.8")
    signed_in({"username": "bob@test.example", "password": "pw-bob-123"})
    page = laptop.get("/account/sessions/")
    listed = page.context["sessions"]
    assert [(s.browser, s.system, s.address, s.current) for s in listed] == [
        ("Chrome", "Windows", "198.51.100.7", True),
        ("Safari", "iPhone", "198.51.100.8", False),
    ]  # this device first; never bob's
    html = page.content.decode()
    assert "This device" in html and "198.51.100.8" in html and "End this session" in html
    phone_row = listed[1]
    assert laptop.post(f"/account/sessions/{listed[0].pk}/end/").status_code == 302  # not its own: sign out for that
    assert laptop.get("/console/").status_code == 200
    laptop.post(f"/account/sessions/{phone_row.pk}/end/")
    assert phone.get("/console/")["Location"].startswith("/login/")
    assert laptop.get("/console/").status_code == 200


@pytest.mark.django_db
def test_ending_all_other_sessions_keeps_this_one_and_no_one_elses(alice, bob):
    here, there, elsewhere = signed_in(), signed_in(), signed_in()
    bobs = signed_in({"username": "bob@test.example", "password": "pw-bob-123"})
    here.post("/account/sessions/end-others/")
    assert here.get("/console/").status_code == 200
    assert there.get("/console/").status_code == 302 and elsewhere.get("/console/").status_code == 302
    assert bobs.get("/console/").status_code == 200


@pytest.mark.django_db
def test_someone_elses_session_cannot_be_ended(alice, bob):
    bobs = signed_in({"username": "bob@test.example", "password": "pw-bob-123"})
    bob_row = StaffSession.objects.get(user=bob)
    signed_in().post(f"/account/sessions/{bob_row.pk}/end/")
    assert bobs.get("/console/").status_code == 200


@pytest.mark.django_db
def test_signing_out_ends_the_session_row(alice):
    client = signed_in()
    client.post("/logout/")
    assert StaffSession.objects.get(user=alice).end_reason == "signed_out"


def test_user_agents_are_described_in_a_few_words():
    assert describe(CHROME_WINDOWS) == ("Chrome", "Windows")
    assert describe(SAFARI_IPHONE) == ("Safari", "iPhone")
    assert describe("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0") == ("Firefox", "Linux")
    assert describe("") == ("", "")
