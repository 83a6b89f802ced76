"""Single sign-on against a real OpenID Provider (node + oidc-provider), through the live ASGI server, with a real
HTTP client following every redirect and submitting the provider's own forms."""

import html
import re

import pytest
import requests

from accounts import sso
from accounts.models import Role, SsoIdentity, StaffSession, User
from accounts.services import staff_upsert
from tests.conftest import require
from tests.support import oidc

ACCOUNTS = {
    "mei": {"email": "mei@corp.example", "email_verified": True, "name": "Mei Chen", "helpdesk_role": "hd-agent"},
    "sofia": {"email": "sofia@corp.example", "email_verified": True, "name": "Sofia", "helpdesk_role": "hd-lead"},
    "ada": {"email": "ada@corp.example", "email_verified": True, "name": "Ada", "helpdesk_role": "hd-admin"},
    "eve": {"email": "eve@corp.example", "email_verified": True, "name": "Eve", "helpdesk_role": "marketing"},
    "mallory": {"email": "sofia@corp.example", "email_verified": False, "helpdesk_role": "hd-admin"},
}
ROLE_MAP = {"hd-agent": "agent", "hd-lead": "supervisor", "hd-admin": "admin"}


@pytest.fixture
def provider(asgi_server, settings):
    require("node")
    with oidc.oidc_provider(f"{asgi_server}/login/sso/callback/", ACCOUNTS) as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_CLIENT_ID = oidc.CLIENT_ID
        settings.OIDC_CLIENT_SECRET = oidc.CLIENT_SECRET
        settings.OIDC_ROLE_MAP = ROLE_MAP
        sso._client.cache_clear()
        yield issuer
        sso._client.cache_clear()


def _submit(session: requests.Session, page: requests.Response, **fields) -> requests.Response:
    """Post the first form of a provider page (its hidden fields plus `fields`) and follow the redirects."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return session.post(requests.compat.urljoin(page.url, action), data={**hidden, **fields}, timeout=30)


def sign_in_through_provider(server: str, login: str, next_url: str = "") -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    page = session.get(f"{server}/login/sso/" + (f"?next={next_url}" if next_url else ""), timeout=30)
    assert 'name="login"' in page.text, page.text[:300]  # the provider's own sign-in form
    consent = _submit(session, page, login=login, password="anything")
    if 'value="consent"' in consent.text:
        return session, _submit(session, consent)
    return session, consent


SIGN_INS = [("mei", "agent", "/console/"), ("sofia", "supervisor", "/monitor/")]


@pytest.mark.parametrize(("login", "role", "page"), SIGN_INS)
def test_sso_signs_staff_in_with_the_role_the_claim_maps_to(asgi_server, provider, login, role, page):
    session, landed = sign_in_through_provider(asgi_server, login)
    assert landed.status_code == 200 and landed.url == f"{asgi_server}/console/"
    user = User.objects.get(email=ACCOUNTS[login]["email"])
    assert user.role == role and not user.has_usable_password()
    assert SsoIdentity.objects.get(user=user).issuer == provider
    row = StaffSession.objects.get(user=user)
    assert row.via == "sso"
    # the identity provider's MFA stands for ours by default: a supervisor reaches supervision at once
    assert session.get(f"{asgi_server}{page}", timeout=30).status_code == 200


def test_sso_keeps_the_page_asked_for(asgi_server, provider):
    _, landed = sign_in_through_provider(asgi_server, "sofia", next_url="/dashboard/")
    assert landed.url == f"{asgi_server}/dashboard/"


def test_a_claim_that_maps_to_no_role_is_refused(asgi_server, provider):
    session, refused = sign_in_through_provider(asgi_server, "eve")
    assert refused.status_code == 403 and "no helpdesk role" in refused.text
    assert not User.objects.filter(email="eve@corp.example").exists()
    assert session.get(f"{asgi_server}/console/", timeout=30).url.startswith(f"{asgi_server}/login/")


def test_an_unverified_email_does_not_take_over_an_existing_account(asgi_server, provider):
    staff_upsert(email="sofia@corp.example", password="pw-sofia-local-1", role=Role.SUPERVISOR)
    _, refused = sign_in_through_provider(asgi_server, "mallory")
    assert refused.status_code == 403
    assert not SsoIdentity.objects.exists()


def test_the_role_follows_the_provider_on_every_sign_in(asgi_server, provider):
    sign_in_through_provider(asgi_server, "ada")
    ada = User.objects.get(email="ada@corp.example")
    assert ada.role == Role.ADMIN and ada.is_staff
    accounts_later = {**ACCOUNTS["ada"], "helpdesk_role": "hd-agent"}
    identity = SsoIdentity.objects.get(user=ada)
    with oidc.oidc_provider(f"{asgi_server}/login/sso/callback/", {"ada": accounts_later}) as issuer:
        SsoIdentity.objects.filter(pk=identity.pk).update(issuer=issuer)
        from django.conf import settings

        settings.OIDC_ISSUER = issuer
        sso._client.cache_clear()
        sign_in_through_provider(asgi_server, "ada")
    ada.refresh_from_db()
    assert ada.role == Role.AGENT and not ada.is_staff


def test_sso_sign_ins_can_be_made_to_pass_our_second_step_too(asgi_server, provider, settings):
    settings.OIDC_LOCAL_MFA = True
    session, landed = sign_in_through_provider(asgi_server, "sofia")
    assert landed.url.startswith(f"{asgi_server}/account/security/")  # a supervisor with no factor: enrol first
    assert session.get(f"{asgi_server}/monitor/", timeout=30, allow_redirects=False).status_code == 302


def test_a_forged_callback_is_refused(asgi_server, provider):
    session = requests.Session()
    response = session.get(f"{asgi_server}/login/sso/callback/?code=forged&state=forged", timeout=30)
    assert response.status_code == 403 and "did not complete" in response.text
