from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from chat.attachments import links

register = template.Library()


def human_duration(seconds: float | None) -> str:
    """'42 s', '7 min 05 s', '1 h 12 min': how long someone has been waiting or cared for. Never a deadline."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@register.filter
def elapsed(start: datetime | None, end: datetime | None = None) -> str:
    if start is None:
        return "—"
    return human_duration(((end or timezone.now()) - start).total_seconds())


@register.filter
def seconds(value: float | timedelta | None) -> str:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    return human_duration(value)


@register.simple_tag
def attachment_thumbnail(attachment_id: str) -> str:
    """A fresh signed link to a picture's thumbnail, for a page rendered now (docs/protocol.md, "Attachments")."""
    return links.signed_url(attachment_id, links.THUMB)
