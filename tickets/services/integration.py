"""The exchange's side: API keys (only a hash of the secret is stored) and webhook endpoints."""

import hashlib
import hmac
import secrets

from django.utils import timezone

from accounts.models import User
from tickets.models import ApiKey, WebhookEndpoint
from tickets.services.errors import TicketError

API_KEY_PREFIX = "hdk"


def _hash_secret(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, name: str, scopes: list[str], staff: User | None = None) -> tuple[ApiKey, str]:
    """Create a key and return it with its clear text, which is shown once and never stored. A key bound to a staff
    member (`staff`) is theirs: its reads of customer data are recorded in the access log under their name."""
    if staff is not None and not (staff.is_active and staff.is_agent):
        raise TicketError("a key can be bound only to an active staff member")
    unknown = sorted(set(scopes) - set(ApiKey.Scope.values))
    if unknown:
        raise TicketError(f"unknown scope {', '.join(unknown)}; use {', '.join(ApiKey.Scope.values)}")
    if not name.strip():
        raise TicketError("an API key needs a name")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name.strip()[:100],
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        scopes=sorted(set(scopes)),
        staff=staff,
    )
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def api_key_verify(raw: str) -> ApiKey | None:
    """The active key a presented `hdk_<prefix>_<secret>` belongs to, or None."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("staff").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash_secret(parts[2])):
        return None
    if key.staff is not None and not (key.staff.is_active and key.staff.is_agent):
        return None  # the staff member it is bound to has left or lost the role: their key goes with them
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Remember when a key was last used, at most once a minute (not a write per request)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- Webhook endpoints ------------------------------------------------------------------------------


def _check_webhook(url: str, events: list[str]) -> tuple[str, list[str]]:
    from urllib.parse import urlsplit

    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TicketError("a webhook URL must be an http:// or https:// URL")
    if not isinstance(events, list) or not all(isinstance(e, str) and e.strip() for e in events):
        raise TicketError("events must be a list of event kinds or prefixes such as 'ticket.'")
    return url, sorted({e.strip() for e in events})


def webhook_endpoint_create(
    *, url: str, events: list[str] | None = None, description: str = "", include_text: bool = False
) -> WebhookEndpoint:
    """Register a URL. The signing secret is generated here; the caller shows it to the exchange.
    `include_text`: the endpoint opts in to the words of agents' replies in chat.reply_waiting."""
    url, events = _check_webhook(url, events or [])
    return WebhookEndpoint.objects.create(
        url=url,
        events=events,
        description=description[:200],
        include_text=bool(include_text),
        secret=secrets.token_hex(32),
    )


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
    include_text: bool | None = None,
) -> WebhookEndpoint:
    new_url, new_events = _check_webhook(url or endpoint.url, endpoint.events if events is None else events)
    endpoint.url, endpoint.events = new_url, new_events
    if is_active is not None:
        endpoint.is_active = bool(is_active)
    if include_text is not None:
        endpoint.include_text = bool(include_text)
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new signing secret (after a leak). Deliveries from now on are signed with it; returns it once."""
    endpoint.secret = secrets.token_hex(32)
    endpoint.save(update_fields=["secret"])
    return endpoint.secret
