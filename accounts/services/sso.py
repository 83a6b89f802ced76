"""Staff members signing in through the identity provider: found by (issuer, subject), linked once by a verified
e-mail address, created on first sign-in, and given the role the provider's claim maps to, every time."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import SsoIdentity, User
from accounts.services import staff_upsert
from accounts.sso import role_from_claims

log = logging.getLogger("accounts.sso")


class SsoRefused(Exception):
    """`reason` is one of: no_subject, no_role, unverified_email, inactive."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def staff_from_sso(*, issuer: str, claims: dict) -> User:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SsoRefused("no_subject")
    role = role_from_claims(claims)
    if role is None:
        log.warning("SSO sign-in of %s at %s refused: no mapped role", subject, issuer)
        raise SsoRefused("no_role")
    identity = SsoIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=subject)
    identity = identity.first()
    if identity is None:
        identity = SsoIdentity.objects.create(user=_user_for_new_identity(claims, role), issuer=issuer, subject=subject)
    user = identity.user
    if not user.is_active:
        raise SsoRefused("inactive")
    if user.role != role:
        log.info("SSO: user %s is now %s (was %s)", user.pk, role, user.role)
        user, _ = staff_upsert(email=user.email, password=None, role=role)
    SsoIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    return user


def _user_for_new_identity(claims: dict, role: str) -> User:
    """An existing account is linked only through an address the provider says it verified; otherwise anyone who
    could set that address at the provider would take over the account here."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is not True:
        raise SsoRefused("unverified_email")
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    user, _ = staff_upsert(email=email, password=None, role=role, name=(name or "")[:120])
    return user
