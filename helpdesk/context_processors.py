"""The navigation bar, per role. Wiring: it names the pages of every app (a name that stops existing is an error on
every page, not a link that quietly disappears)."""

from django.urls import reverse
from django.utils.translation import gettext_noop

# (label, url name, who sees it); base.html translates the label, gettext_noop lets makemessages find it
NAV = [
    (gettext_noop("Console"), "console", "agent"),
    (gettext_noop("Tickets"), "ticket_list", "agent"),
    (gettext_noop("Recovery cases"), "recovery_cases", "agent"),
    (gettext_noop("History"), "history", "agent"),
    (gettext_noop("Live"), "monitor", "supervisor"),
    (gettext_noop("Dashboard"), "dashboard", "supervisor"),
    (gettext_noop("Access log"), "access_log", "supervisor"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "signin_pending", False):
        return {"nav_items": []}  # a session owing its second step reaches none of these pages
    items = []
    for label, name, audience in NAV:
        if audience == "supervisor" and not user.is_supervisor:
            continue
        url = reverse(name)
        current = request.path.startswith(url) if url != "/" else request.path == "/"
        items.append({"label": label, "url": url, "name": name, "current": current})
    return {"nav_items": items}
