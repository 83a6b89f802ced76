from datetime import UTC, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import avoid_wrapping
from django.utils.timesince import timesince
from django.utils.translation import ngettext_lazy

from chat.attachments import links

register = template.Library()


# Django's own words for the units (the same msgids as django.utils.timesince, so Russian, Arabic and Chinese agree
# with Django's catalogues; ours add Bengali and Filipino) and one more for the seconds timesince does not count.
TIME_STRINGS = {
    "year": ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    "month": ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    "week": ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    "day": ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    "hour": ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    "minute": ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
}
SECONDS = ngettext_lazy("%(num)d second", "%(num)d seconds", "num")


def human_duration(seconds: float | None) -> str:
    """'42 seconds', '7 minutes', '1 hour, 12 minutes' in the reader's language (Django's timesince, two units at
    most): how long someone has been waiting or cared for. Never a deadline."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return avoid_wrapping(SECONDS % {"num": seconds})
    now = datetime(2001, 1, 1, tzinfo=UTC)  # any fixed moment: only the difference is read
    return timesince(now - timedelta(seconds=seconds), now, time_strings=TIME_STRINGS, depth=2)


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
