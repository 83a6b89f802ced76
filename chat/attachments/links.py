"""Signed, expiring links to an attachment's file or thumbnail.

A link is a capability: whoever holds it may fetch that one file until it expires, with no cookie and no token
(the widget lives in a third-party iframe, where browsers may withhold cookies; an <img> sends no header). So links
are only ever handed to people who may see the file (chat/attachments/access.py), they expire
(HELPDESK_ATTACHMENT_URL_SECONDS), and every frame, replay or page builds fresh ones. An altered id, variant, expiry
or signature answers 403.

Expiry is rounded up to the next tenth of the lifetime, so links made within the same minute or so are equal and
the browser's cache serves a picture again instead of downloading it over a slow link on every resume: a link lives
at least HELPDESK_ATTACHMENT_URL_SECONDS and at most 10 % longer.
"""

import math
import time
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "helpdesk.chat.attachment-link"
FILE = "file"
THUMB = "thumb"
VARIANTS = (FILE, THUMB)


def _signature(attachment_id, variant: str, expires: int) -> str:
    return salted_hmac(SALT, f"{attachment_id}|{variant}|{expires}", algorithm="sha256").hexdigest()


def expiry(now: float | None = None) -> int:
    lifetime = max(1, settings.ATTACHMENT_URL_SECONDS)
    step = max(1, lifetime // 10)
    return math.ceil(((now if now is not None else time.time()) + lifetime) / step) * step


def signed_url(attachment_id, variant: str = FILE, *, now: float | None = None) -> str:
    expires = expiry(now)
    query = urlencode({"e": expires, "s": _signature(attachment_id, variant, expires)})
    return f"{reverse('attachment_file', args=[attachment_id, variant])}?{query}"


def check(attachment_id, variant: str, expires: str | None, signature: str | None) -> str | None:
    """None when the link is good; else "forbidden" (altered or incomplete) or "expired"."""
    if variant not in VARIANTS or not expires or not signature or not expires.isdigit() or len(expires) > 12:
        return "forbidden"
    if not constant_time_compare(signature, _signature(attachment_id, variant, int(expires))):
        return "forbidden"
    if int(expires) < time.time():
        return "expired"
    return None


def seconds_left(expires: str) -> int:
    return max(0, int(expires) - int(time.time()))


def describe(attachment) -> dict:
    """The wire form of an attachment (docs/protocol.md), with fresh links."""
    return {
        "id": str(attachment.pk),
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": signed_url(attachment.pk, FILE),
        "thumbnail_url": signed_url(attachment.pk, THUMB) if attachment.thumb_name else None,
    }


def frames_of(message) -> list[dict]:
    """The `attachments` of a message frame: [] unless the message came with its attachments loaded — set by the
    service that stored them (attachment_list) or prefetched by the selector that read it. Never a query here: the
    hot path frames text messages on the event loop."""
    loaded = message.__dict__.get("attachment_list")
    if loaded is None:
        loaded = getattr(message, "_prefetched_objects_cache", {}).get("attachments")
    return [describe(attachment) for attachment in loaded] if loaded else []
