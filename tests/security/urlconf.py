"""Walking the URL conf: every pattern (admin excluded: Django's own, staff-only), and real URLs for them. Shared by
the permission walk (test_authorisation.py) and the hostile-input walk (test_hostile_input.py)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def patterns(resolvers=None, prefix: str = ""):
    """(route, name, converters) of every URL pattern, admin excluded (Django's own, staff-only)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, entry.pattern.converters


def fill(route: str, converters: dict, ids: dict) -> str | None:
    """A real URL for a route: every <int:x_id> gets the id of a real object of that kind."""
    if any(getattr(conv, "regex", None) != "[0-9]+" for conv in converters.values()):
        return None  # str/slug/path parameters: nothing generic to fill in
    return fill_with(route, {name: str(ids.get(name, ids["conversation_id"])) for name in converters})


def fill_with(route: str, values: dict[str, str]) -> str | None:
    """The route with each parameter replaced by values[name] (already URL-quoted); None for regex routes."""
    url = PARAMETER.sub(lambda match: values[match.group(2)], route)
    if "(" in url or "^" in url:
        return None  # regex routes (static, media)
    return "/" + url
