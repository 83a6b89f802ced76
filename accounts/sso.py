"""Single sign-on with OpenID Connect (authlib does the protocol: discovery, PKCE, state, nonce, the ID token's
signature, issuer, audience and expiry). What is ours: which role the identity provider's claim maps to."""

from functools import lru_cache

from authlib.integrations.django_client import OAuth
from django.conf import settings


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str):
    oauth = OAuth()
    return oauth.register(
        name="staff_sso",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256"},
        token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
    )


def client():
    """One client per configuration (its discovery document and keys are fetched once, then kept)."""
    return _client(settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES)


ROLE_RANK = {"agent": 1, "supervisor": 2, "admin": 3}


def role_from_claims(claims: dict) -> str | None:
    """The helpdesk role the configured claim maps to; a list (groups) gives the highest mapped role; a value
    that maps to nothing gives None (the sign-in is refused)."""
    value = claims.get(settings.OIDC_ROLE_CLAIM)
    values = value if isinstance(value, list) else [value]
    mapping = settings.OIDC_ROLE_MAP
    roles = [mapping[item] for item in values if isinstance(item, str) and item in mapping]
    return max(roles, key=ROLE_RANK.__getitem__) if roles else None
