"""accounts.access.staff_required: the one staff-only decorator of every app's pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.access import staff_required

pytestmark = pytest.mark.django_db


@staff_required
def for_staff(request):
    return HttpResponse("staff")


@staff_required(supervisor=True)
def for_supervisors(request):
    return HttpResponse("supervisors")


def _as(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_anonymous_is_sent_to_sign_in():
    for view in (for_staff, for_supervisors):
        response = view(_as(AnonymousUser()))
        assert response.status_code == 302 and "next=/somewhere/" in response["Location"]


def test_an_agent_sees_staff_pages_but_not_supervisors(alice):
    assert for_staff(_as(alice)).content == b"staff"
    with pytest.raises(Http404):
        for_supervisors(_as(alice))


def test_a_supervisor_sees_both(sofia):
    assert for_staff(_as(sofia)).content == b"staff"
    assert for_supervisors(_as(sofia)).content == b"supervisors"


def test_a_deactivated_member_is_nobody(alice):
    alice.is_active = False
    with pytest.raises(Http404):
        for_staff(_as(alice))


def test_every_staff_page_uses_it():
    """No app keeps a decorator of its own (there were three)."""
    from tests.conftest import ROOT

    own = [
        str(path.relative_to(ROOT))
        for app in ("accounts", "tickets", "chat", "recovery", "pnl", "supervisor")
        for path in (ROOT / app).rglob("*.py")
        if "def wrapper(request" in path.read_text() and path != ROOT / "accounts" / "access.py"
    ]
    assert own == []
